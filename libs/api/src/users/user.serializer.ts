import type { UserEntity } from '@cyborg/database';

import { iso } from '../common/serialize.util';

/** Accounts keep no record of who made or changed them, so those fields are always null. */
export function serializeUser(user: UserEntity) {
  return {
    id: user.id,
    type: 'user',
    url: `/api/v1/users/${user.id}/`,
    related: {},
    summary_fields: {},
    created: iso(user.created),
    modified: iso(user.modified),
    created_by: null,
    modified_by: null,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    is_superuser: user.isSuperuser,
    is_active: user.isActive,
    last_login: iso(user.lastLogin),
    notify_backup_failed: user.notifyBackupFailed,
    notify_backup_success: user.notifyBackupSuccess,
    notify_backup_summary: user.notifyBackupSummary,
    notify_backup_daily: user.notifyBackupDaily,
    notify_backup_weekly: user.notifyBackupWeekly,
    notify_backup_monthly: user.notifyBackupMonthly,
  };
}

import type { ScheduleEntity } from '@cyborg/database';

import { auditedBase, auditSummary } from '../common/serialize.util';

export function serializeSchedule(schedule: ScheduleEntity) {
  return {
    ...auditedBase('schedule', 'schedules', schedule),
    related: {},
    summary_fields: auditSummary(schedule),
    name: schedule.name,
    crontab: schedule.crontab,
    enabled: schedule.enabled,
    uuid: schedule.uuid,
  };
}

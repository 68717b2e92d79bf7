import type { SettingEntity } from '@cyborg/database';
import { ENCRYPTED_PLACEHOLDER } from '@cyborg/domain';

import { iso } from '../common/serialize.util';

/** The stored text of a setting as the API shows it: typed, and secrets masked. */
export function settingValue(setting: SettingEntity): string | number | boolean {
  switch (setting.settingType) {
    case 'boolean':
      return setting.value === 'true';
    case 'integer':
      return Number(setting.value);
    case 'string':
      return setting.value;
    case 'privatekey':
    case 'password':
      return setting.value === '' ? '' : ENCRYPTED_PLACEHOLDER;
  }
}

export function serializeSetting(setting: SettingEntity) {
  return {
    id: setting.id,
    type: 'setting',
    url: `/api/v1/settings/${setting.id}/`,
    related: {},
    summary_fields: {},
    created: iso(setting.created),
    modified: iso(setting.modified),
    // Settings keep no record of who changed them.
    created_by: null,
    modified_by: null,
    key: setting.key,
    value: settingValue(setting),
    setting_type: setting.settingType,
    group: setting.group,
    order: setting.order,
    description: setting.description,
  };
}

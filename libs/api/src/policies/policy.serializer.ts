import type { PolicyEntity } from '@cyborg/database';
import { maskExtraVars } from '@cyborg/domain';

import { auditedBase, auditSummary, iso } from '../common/serialize.util';

export function serializePolicy(policy: PolicyEntity) {
  const base = auditedBase('policy', 'policies', policy);

  return {
    ...base,
    related: {
      launch: `${base.url}launch/`,
      calendar: `${base.url}calendar/`,
      schedule: `/api/v1/schedules/${policy.schedule.id}/`,
      repository: `/api/v1/repositories/${policy.repository.id}/`,
    },
    summary_fields: {
      ...auditSummary(policy),
      schedule: {
        id: policy.schedule.id,
        name: policy.schedule.name,
        crontab: policy.schedule.crontab,
        enabled: policy.schedule.enabled,
      },
      repository: {
        id: policy.repository.id,
        name: policy.repository.name,
        path: policy.repository.path,
        enabled: policy.repository.enabled,
      },
      clients: policy.clients.map((c) => ({ id: c.id, hostname: c.hostname })),
    },
    name: policy.name,
    policy_type: policy.policyType,
    clients: policy.clients.map((c) => c.id),
    repository: policy.repository.id,
    schedule: policy.schedule.id,
    extra_vars: maskExtraVars(policy.extraVars),
    keep_hourly: policy.keepHourly,
    keep_daily: policy.keepDaily,
    keep_weekly: policy.keepWeekly,
    keep_monthly: policy.keepMonthly,
    keep_yearly: policy.keepYearly,
    vmprovider: policy.vmprovider,
    prehook: policy.prehook,
    posthook: policy.posthook,
    mode_pull: policy.modePull,
    next_run: iso(policy.nextRun),
    enabled: policy.enabled,
    uuid: policy.uuid,
  };
}

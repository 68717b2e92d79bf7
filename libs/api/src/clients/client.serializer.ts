import type { ClientEntity } from '@cyborg/database';

import { auditedBase, auditSummary } from '../common/serialize.util';

export function serializeClient(client: ClientEntity) {
  return {
    ...auditedBase('client', 'clients', client),
    related: {},
    summary_fields: {
      ...auditSummary(client),
      policies: (client.policies ?? []).map((p) => ({ id: p.id, name: p.name })),
    },
    hostname: client.hostname,
    ip: client.ip,
    version: client.version,
    port: client.port,
    ready: client.ready,
    hypervisor_ready: client.hypervisorReady,
    hypervisor_name: client.hypervisorName,
    bandwidth_limit: client.bandwidthLimit,
    enabled: client.enabled,
    uuid: client.uuid,
  };
}

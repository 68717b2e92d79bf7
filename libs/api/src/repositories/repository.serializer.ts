import type { RepositoryEntity } from '@cyborg/database';

import { ENCRYPTED_PLACEHOLDER } from '@cyborg/domain';

import { auditedBase, auditSummary } from '../common/serialize.util';

export function serializeRepository(repository: RepositoryEntity) {
  return {
    ...auditedBase('repository', 'repositories', repository),
    related: {},
    summary_fields: auditSummary(repository),
    name: repository.name,
    path: repository.path,
    repository_key: repository.repositoryKey ? ENCRYPTED_PLACEHOLDER : '',
    original_size: repository.originalSize,
    compressed_size: repository.compressedSize,
    deduplicated_size: repository.deduplicatedSize,
    ready: repository.ready,
    enabled: repository.enabled,
    check_schedule: repository.checkSchedule?.id ?? null,
    next_check: repository.nextCheck,
    uuid: repository.uuid,
  };
}

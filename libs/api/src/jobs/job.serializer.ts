import type { JobEntity, JobEventEntity } from '@cyborg/database';

import { auditedBase, auditSummary, iso } from '../common/serialize.util';

/**
 * A job as the API shows it. Its extra_vars stay out: they may hold secrets,
 * and nothing a client does with a job needs them.
 */
export function serializeJob(job: JobEntity, dependents: ReadonlyMap<number, number[]>) {
  const base = auditedBase('job', 'jobs', job);
  const { policy, client, repository } = job;

  return {
    ...base,
    related: {
      job_events: `${base.url}job_events/`,
      ...(policy ? { policy: `/api/v1/policies/${policy.id}/` } : {}),
      stdout: `${base.url}stdout/`,
      start: `${base.url}start/`,
      cancel: `${base.url}cancel/`,
      relaunch: `${base.url}relaunch/`,
    },
    summary_fields: {
      ...auditSummary(job),
      ...(policy
        ? { policy: { id: policy.id, name: policy.name, policy_type: policy.policyType } }
        : {}),
      ...(client ? { client: { id: client.id, hostname: client.hostname } } : {}),
      ...(repository
        ? {
            repository: {
              id: repository.id,
              name: repository.name,
              path: repository.path,
              enabled: repository.enabled,
            },
          }
        : {}),
    },
    name: job.name,
    description: job.description,
    job_type: job.jobType,
    launch_type: job.launchType,
    status: job.status,
    failed: job.failed,
    started: iso(job.started),
    finished: iso(job.finished),
    elapsed: job.elapsed,
    policy: policy?.id ?? null,
    client: client?.id ?? null,
    repository: repository?.id ?? null,
    archive_name: job.archiveName,
    original_size: job.originalSize,
    compressed_size: job.compressedSize,
    deduplicated_size: job.deduplicatedSize,
    job_explanation: job.jobExplanation,
    result_traceback: job.resultTraceback,
    executor: job.executor,
    dependent_jobs: dependents.get(job.id) ?? [],
  };
}

export function serializeJobEvent(event: JobEventEntity) {
  const id = Number(event.id);

  return {
    id,
    type: 'job_event',
    url: `/api/v1/job_events/${id}/`,
    job: event.job.id,
    counter: event.counter,
    event: event.event,
    stdout: event.stdout,
    event_data: event.eventData,
    created: iso(event.created),
  };
}

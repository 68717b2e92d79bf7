export const JOB_STATUSES = [
  'new',
  'pending',
  'waiting',
  'running',
  'successful',
  'failed',
  'error',
  'canceled',
] as const;

export type JobStatus = (typeof JOB_STATUSES)[number];

// A job in one of these states still holds (or is about to hold) its client and repository,
// so it may not be deleted and blocks other jobs on the same resources.
export const ACTIVE_JOB_STATUSES = [
  'new',
  'pending',
  'waiting',
  'running',
] as const satisfies readonly JobStatus[];

export type ActiveJobStatus = (typeof ACTIVE_JOB_STATUSES)[number];

export const JOB_TYPES = [
  'job',
  'check',
  'catalog',
  'prune',
  'restore',
  'prepare_client',
  'prepare_repository',
  'prepare_hypervisor',
] as const;

export type JobType = (typeof JOB_TYPES)[number];

export const LAUNCH_TYPES = ['manual', 'relaunch', 'scheduled', 'dependency'] as const;

export type LaunchType = (typeof LAUNCH_TYPES)[number];

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && (JOB_STATUSES as readonly string[]).includes(value);
}

export function isActiveJobStatus(status: JobStatus): status is ActiveJobStatus {
  return (ACTIVE_JOB_STATUSES as readonly JobStatus[]).includes(status);
}

export function isJobType(value: unknown): value is JobType {
  return typeof value === 'string' && (JOB_TYPES as readonly string[]).includes(value);
}

export function isLaunchType(value: unknown): value is LaunchType {
  return typeof value === 'string' && (LAUNCH_TYPES as readonly string[]).includes(value);
}

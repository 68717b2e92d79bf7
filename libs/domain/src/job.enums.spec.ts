import { JOB_STATUSES, isActiveJobStatus, isJobStatus, isJobType, isLaunchType } from './job.enums';

describe('isActiveJobStatus', () => {
  it('treats jobs that have not finished as active', () => {
    const active = JOB_STATUSES.filter(isActiveJobStatus);

    expect(active).toEqual(['new', 'pending', 'waiting', 'running']);
  });
});

describe('job enum guards', () => {
  it('recognise the values clients send', () => {
    expect(isJobStatus('canceled')).toBe(true);
    expect(isJobType('prepare_repository')).toBe(true);
    expect(isLaunchType('dependency')).toBe(true);
  });

  it('reject anything else', () => {
    expect(isJobStatus('cancelled')).toBe(false);
    expect(isJobType('backup')).toBe(false);
    expect(isLaunchType(undefined)).toBe(false);
  });
});

import { lineLevel, OutputIndices } from './job-output.index';

describe(OutputIndices.name, () => {
  const indices = new OutputIndices('cyborg-job-events');

  it('names the index after the UTC day of the job', () => {
    expect(indices.of('2026-12-03T23:59:59.999Z')).toBe('cyborg-job-events-2026.12.03');
    expect(indices.pattern).toBe('cyborg-job-events-*');
  });

  it('reads the day back from its own index names only', () => {
    expect(indices.dayOf('cyborg-job-events-2026.12.03')).toBe('2026-12-03');
    expect(indices.dayOf('cyborg-job-events-other')).toBeNull();
    expect(indices.dayOf('other-2026.12.03')).toBeNull();
  });
});

describe('lineLevel', () => {
  it("takes borg's levelname, lower-cased, and says info otherwise", () => {
    expect(lineLevel({ levelname: 'WARNING' })).toBe('warning');
    expect(lineLevel({ levelname: '', level: 'Error' })).toBe('error');
    expect(lineLevel({})).toBe('info');
  });
});

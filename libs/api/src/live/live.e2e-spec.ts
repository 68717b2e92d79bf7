import WebSocket from 'ws';

import { JobEventWriter } from '@cyborg/callback-receiver';
import { ADMIN, TestApi, waitFor } from '@cyborg/testing';

type Message = Record<string, unknown>;

/** Opens a socket that keeps every message it receives, in order. */
async function connect(
  api: TestApi,
  token: string,
): Promise<{ socket: WebSocket; messages: Message[] }> {
  const url = `${api.baseUrl.replace('http', 'ws')}/websocket/?token=${encodeURIComponent(token)}`;
  const socket = new WebSocket(url);
  const messages: Message[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as Message));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });

  return { socket, messages };
}

describe('live job status over the WebSocket', () => {
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    api = await TestApi.start();
    token = await api.login(ADMIN.email, ADMIN.password);
  });

  afterAll(() => api.stop());

  it('closes a connection without a valid token', async () => {
    const socket = new WebSocket(`${api.baseUrl.replace('http', 'ws')}/websocket/?token=forged`);
    const code = await new Promise<number>((resolve) =>
      socket.on('close', (c: number) => resolve(c)),
    );

    expect(code).toBe(4401);
  });

  it('pushes the status changes of the jobs a client subscribed to', async () => {
    const { socket, messages } = await connect(api, token);
    socket.send(JSON.stringify({ groups: { jobs: ['status_changed'] } }));
    await waitFor('the subscription', async () => messages.length > 0);

    const [job] = await api.dataSource.query<{ id: number }[]>(
      `INSERT INTO jobs (name, status) VALUES ('live', 'pending') RETURNING id`,
    );
    await api.dataSource.query(`UPDATE jobs SET status = 'running' WHERE id = $1`, [job.id]);
    await waitFor('two status messages', async () => messages.length >= 3, 10_000);
    socket.close();

    expect(messages[0]).toEqual({ groups_current: { jobs: true, job_events: [] } });
    expect(messages.slice(1)).toEqual([
      expect.objectContaining({
        group_name: 'jobs',
        type: 'job',
        unified_job_id: job.id,
        status: 'pending',
      }),
      expect.objectContaining({ group_name: 'jobs', unified_job_id: job.id, status: 'running' }),
    ]);
  });

  it('sends a subscriber of one job only that job', async () => {
    const [mine, other] = await api.dataSource.query<{ id: number }[]>(
      `INSERT INTO jobs (name, status) VALUES ('mine', 'pending'), ('other', 'pending') RETURNING id`,
    );
    const { socket, messages } = await connect(api, token);
    socket.send(JSON.stringify({ groups: { job_events: [mine.id] } }));
    await waitFor('the subscription', async () => messages.length > 0);

    await api.dataSource.query(`UPDATE jobs SET status = 'running' WHERE id = $1`, [other.id]);
    await api.dataSource.query(`UPDATE jobs SET status = 'running' WHERE id = $1`, [mine.id]);
    await waitFor('a status message', async () => messages.length >= 2, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.close();

    expect(messages.slice(1)).toEqual([
      expect.objectContaining({ unified_job_id: mine.id, status: 'running' }),
    ]);
  });

  it("streams a watched job's stored lines in batches of at most 100, skipping ahead to the newest", async () => {
    const [job] = await api.dataSource.query<{ id: number; created: Date }[]>(
      `INSERT INTO jobs (name, status) VALUES ('chatty', 'running') RETURNING id, created`,
    );
    const { socket, messages } = await connect(api, token);
    socket.send(JSON.stringify({ groups: { job_events: [job.id] } }));
    await waitFor('the subscription', async () => messages.length > 0);

    // The callback receiver's writer: it stores the lines and notifies the API.
    const writer = new JobEventWriter(api.dataSource);
    for (let batch = 0; batch < 20; batch++) {
      const lines = Array.from({ length: 100 }, (_, i) => ({
        counter: batch * 100 + i + 1,
        created: new Date().toISOString(),
        event: 'verbose',
        stdout: `line ${batch * 100 + i + 1}`,
        data: {},
      }));
      await writer.write([{ jobId: job.id, jobCreated: job.created.toISOString(), lines }]);
    }
    const output = () =>
      messages.filter((m) => m.type === 'job_output') as unknown as {
        unified_job_id: number;
        lines: { counter: number; stdout: string }[];
        skipped: number;
      }[];
    await waitFor('the newest line', async () =>
      output().some((m) => m.lines.some((l) => l.counter === 2_000)),
    );
    socket.close();

    const batches = output();
    const counters = batches.flatMap((b) => b.lines.map((l) => l.counter));
    const first = counters[0];
    expect(batches.every((b) => b.unified_job_id === job.id && b.lines.length <= 100)).toBe(true);
    expect(counters).toEqual([...counters].sort((a, b) => a - b));
    expect(new Set(counters).size).toBe(counters.length);
    // Every line from the first one sent is either sent or counted as skipped.
    expect(counters.length + batches.reduce((n, b) => n + b.skipped, 0)).toBe(2_000 - first + 1);
    expect(batches.find((b) => b.lines.some((l) => l.counter === 2_000))?.lines.at(-1)).toEqual(
      expect.objectContaining({ counter: 2_000, stdout: 'line 2000' }),
    );
  });
});

import { BlobServiceClient } from '@azure/storage-blob';
import type { RunningReportServer } from '../../dev/report-server';
import { reportContainerName } from '../../shared/polling/report-store';
import { stepsOf, tenant } from '../support/tenant';
import { startTestHost, type TestHost } from '../support/test-host';
import { ISU, startReceiver, startTestReportServer, worker, type Worker } from './support';

/**
 * The home tenant's report, polled through the local host: the manual run route, the report server
 * over HTTPS with Basic authentication, the events through the queue to the Graph simulator.
 */
let server: RunningReportServer;
let alerts: Awaited<ReturnType<typeof startReceiver>>;
let host: TestHost;
let sim: ReturnType<typeof tenant>;

beforeAll(async () => {
  [server, alerts] = await Promise.all([startTestReportServer(), startReceiver()]);
  server.setReport('Workers', []);
  host = await startTestHost({
    env: {
      HR_REPORT_URL: server.reportUrl('Workers', 'json'),
      HR_REPORT_USERNAME: ISU.username,
      HR_REPORT_PASSWORD: ISU.password,
      HR_REPORT_MAX_GONE_PERCENT: '50',
      HR_REPORT_ALERT_WEBHOOK_URL: alerts.url,
    },
  });
  sim = tenant(host);
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await Promise.all([server?.close(), alerts?.close()]);
});

interface RunAnswer {
  status: number;
  body: { kind?: string; emitted?: Record<string, number>; eventIds?: string[]; stage?: string; reason?: string; error?: string; verdict?: { gone: number; reason: string }; goneSample?: string[] };
}

async function run(path = 'run'): Promise<RunAnswer> {
  const response = await fetch(`${host.url}/api/manage/hr-reports/${path}`, { method: 'POST' });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as RunAnswer['body'] };
}
async function status(): Promise<Record<string, unknown>> {
  return (await (await fetch(`${host.url}/api/manage/hr-reports`)).json()) as Record<string, unknown>;
}
async function settled(eventIds: readonly string[]): Promise<Record<string, unknown>[]> {
  return Promise.all(eventIds.map((id) => host.waitForStatus(id)));
}
/** A leaver stays queued for its deletion after the retention days: done for now once that is pending. */
async function offboarded(eventIds: readonly string[]): Promise<Record<string, unknown>[]> {
  return Promise.all(eventIds.map(async (id) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const record = (await (await fetch(`${host.url}/api/events/${encodeURIComponent(id)}`)).json()) as Record<string, unknown>;
      if (stepsOf(record)['delete-account']?.outcome === 'pending' || record.status === 'dead-lettered') return record;
      if (Date.now() > deadline) throw new Error(`leaver ${id} was not offboarded in time: ${JSON.stringify(record)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }));
}
const account = (employeeId: string) => sim.userByEmployeeId(employeeId)[0] as (Record<string, unknown> & { id: string }) | undefined;

const p1 = worker('P1001', { First_Name: 'Pia', Last_Name: 'Polling' });
const p2 = worker('P1002', { First_Name: 'Paz', Last_Name: 'Pollard', Department: 'Sales' });
const p3 = worker('P1003', { First_Name: 'Per', Last_Name: 'Pollock' });
const p4 = worker('P1004', { First_Name: 'Pam', Last_Name: 'Pollux' });
const report = (...rows: Worker[]) => server.setReport('Workers', rows);

describe('a polled HR report through the local host', () => {
  it('when the report is polled for the first time, then each worker becomes a joiner and gets an account', async () => {
    report(p1, p2, p3, p4);
    const { status: code, body } = await run();
    expect(code).toBe(200);
    expect(body).toMatchObject({ kind: 'accepted', emitted: { joiner: 4, mover: 0, leaver: 0, rehire: 0 } });
    const statuses = await settled(body.eventIds!);
    expect(statuses.map((s) => [s.type, s.status])).toEqual(Array(4).fill(['joiner', 'succeeded']));
    expect(account('P1001')).toMatchObject({ userPrincipalName: 'pia.polling@contoso.com', department: 'Engineering', jobTitle: 'Engineer', accountEnabled: true });
    expect(sim.groupsOf(account('P1001')!.id)).toContain('SG-Engineering');
  });

  it('when the same report is polled again, then nothing is emitted', async () => {
    const { body } = await run();
    expect(body).toMatchObject({ kind: 'accepted', emitted: { joiner: 0, mover: 0, leaver: 0, rehire: 0 }, eventIds: [] });
    expect(await status()).toMatchObject({ lastRun: { outcome: 'unchanged', rows: 4 }, snapshot: { workers: 4, active: 4 } });
  });

  it("when one worker's title changes, then one mover changes it and the worker keeps the groups their department gives", async () => {
    report({ ...p1, Business_Title: 'Staff Engineer' }, p2, p3, p4);
    const { body } = await run();
    expect(body.emitted).toEqual({ joiner: 0, mover: 1, leaver: 0, rehire: 0 });
    const [mover] = await settled(body.eventIds!);
    expect(mover).toMatchObject({ type: 'mover', status: 'succeeded' });
    expect(account('P1001')).toMatchObject({ jobTitle: 'Staff Engineer', department: 'Engineering' });
    expect(sim.groupsOf(account('P1001')!.id)).toContain('SG-Engineering');
  });

  it('when a worker is gone from the report, then a leaver closes their account', async () => {
    report({ ...p1, Business_Title: 'Staff Engineer' }, p2, p3);
    const { body } = await run();
    expect(body.emitted).toEqual({ joiner: 0, mover: 0, leaver: 1, rehire: 0 });
    const [leaver] = await offboarded(body.eventIds!);
    expect(leaver).toMatchObject({ type: 'leaver', status: 'queued' });
    expect(account('P1004')).toMatchObject({ accountEnabled: false });
  });

  it('when the report cannot be fetched, then the run says why without a value, nothing changes, and the next run carries on', async () => {
    const before = (await status()).snapshot;
    server.setFault('Workers', { status: 500, times: 1 });
    const failed = await run();
    expect(failed).toMatchObject({ status: 502, body: { kind: 'failed', stage: 'fetch', reason: 'the report server answered 500' } });
    expect(await status()).toMatchObject({ lastRun: { outcome: 'failed', reason: 'fetch: the report server answered 500' }, snapshot: before });
    expect((await run()).body).toMatchObject({ kind: 'accepted', eventIds: [] });
  });

  it('when the report cannot be read, then the run says why and the snapshot stays', async () => {
    const before = (await status()).snapshot;
    server.setFault('Workers', { status: 200, body: '<html>Maintenance</html>', contentType: 'text/html', times: 1 });
    expect(await run()).toMatchObject({ status: 502, body: { stage: 'read', reason: 'the report is not valid JSON' } });
    expect((await status()).snapshot).toEqual(before);
  });

  it('when the report suddenly misses most workers, then it is held: nothing is emitted, an alert gives counts only, and the accounts stay', async () => {
    report({ ...p1, Business_Title: 'Staff Engineer' });
    const { body } = await run();
    expect(body).toMatchObject({ kind: 'held', verdict: { gone: 2 }, goneSample: ['P1002', 'P1003'] });
    expect(alerts.received).toEqual([{ text: expect.stringContaining('66.7% of the 3 active workers are gone from the report, more than 50%') }]);
    expect(JSON.stringify(alerts.received)).not.toMatch(/P100[23]/);
    expect(await status()).toMatchObject({ held: { verdict: { gone: 2, baseActive: 3 }, goneSample: ['P1002', 'P1003'] }, snapshot: { workers: 3 } });
    expect(account('P1002')).toMatchObject({ accountEnabled: true });
  });

  it('when the held report comes again, then it stays held and no second alert is sent', async () => {
    expect((await run()).body).toMatchObject({ kind: 'held', alert: 'already told' });
    expect(alerts.received).toHaveLength(1);
  });

  it('when an operator releases the held report, then its leavers are emitted and it becomes the snapshot', async () => {
    const { status: code, body } = await run('release');
    expect(code).toBe(200);
    expect(body).toMatchObject({ kind: 'released', emitted: { leaver: 2 } });
    await offboarded(body.eventIds!);
    expect([account('P1002'), account('P1003')]).toEqual([expect.objectContaining({ accountEnabled: false }), expect.objectContaining({ accountEnabled: false })]);
    expect(await status()).toMatchObject({ held: null, snapshot: { workers: 1 } });
    expect((await run('release')).status).toBe(404);
  });

  it('when the run stops after emitting and before saving the snapshot, then the next run emits the same event ids, which change nothing twice', async () => {
    report({ ...p1, Business_Title: 'Staff Engineer', Department: 'Research' });
    // The snapshot blob leased by someone else: the write after emitting fails, as if the instance had stopped there.
    const blobs = BlobServiceClient.fromConnectionString(process.env.TEST_STORAGE_CONNECTION_STRING as string).getContainerClient(reportContainerName(host.settings.LEDGER_TABLE_NAME));
    const lease = blobs.getBlobClient('default/snapshot.json').getBlobLeaseClient();
    await lease.acquireLease(-1);
    const stopped = await run();
    expect(stopped).toMatchObject({ status: 503, body: { stage: 'save', reason: expect.stringContaining('will be emitted again under the same ids') } });
    await lease.breakLease(0);
    const secondRunAt = new Date().toISOString();
    const again = await run();
    expect(again.body).toMatchObject({ kind: 'accepted', emitted: { mover: 1 } });
    const [mover] = await settled(again.body.eventIds!);
    // Accepted before this run began: the event is the first run's, not a new one.
    expect(String(mover!.acceptedAt) < secondRunAt).toBe(true);
    expect(mover).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(account('P1001')).toMatchObject({ department: 'Research' });
    expect((await run()).body).toMatchObject({ eventIds: [] });
  });

  it("when the runs are done, then the logs hold neither the integration user's password nor the report URL", () => {
    const logs = host.logs.join('\n');
    expect(logs).not.toContain(ISU.password);
    expect(logs).not.toContain(Buffer.from(`${ISU.username}:${ISU.password}`).toString('base64'));
    expect(logs).not.toContain('customreport2');
  });
});

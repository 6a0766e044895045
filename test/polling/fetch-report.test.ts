import type { RunningReportServer } from '../../dev/report-server';
import { Secret } from '../../shared/domain/credentials';
import { fetchReport, ReportFetchError } from '../../shared/polling/fetch-report';
import type { ReportAuth, ReportSource } from '../../shared/polling/report-config';
import { ISU, OAUTH, startTestReportServer, worker } from './support';

let server: RunningReportServer;

beforeAll(async () => {
  server = await startTestReportServer();
  server.setReport('Workers', [worker('F1'), worker('F2', { Department: 'Research' })]);
});
afterAll(() => server.close());

const basic: ReportAuth = { type: 'basic', username: new Secret(ISU.username), password: new Secret(ISU.password) };
const oauth = (): ReportAuth => ({ type: 'oauth', tokenUrl: server.tokenUrl, clientId: new Secret(OAUTH.clientId), clientSecret: new Secret(OAUTH.clientSecret), refreshToken: new Secret(OAUTH.refreshToken) });

function source(overrides: Partial<ReportSource> = {}): ReportSource {
  return {
    tenantId: 'default',
    url: new Secret(server.reportUrl('Workers', 'json')),
    format: 'json',
    auth: basic,
    guard: { maxGonePercent: 10, maxGoneWorkers: 50 },
    timeoutMs: 5_000,
    maxBytes: 1_000_000,
    allowPrivate: true,
    ...overrides,
  };
}

async function failure(overrides: Partial<ReportSource>): Promise<string> {
  const error = await fetchReport(source(overrides)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReportFetchError);
  const message = (error as Error).message;
  for (const secret of [ISU.password, OAUTH.clientSecret, OAUTH.refreshToken, server.url]) expect(message).not.toContain(secret);
  return message;
}

describe('fetching a RaaS report', () => {
  it('when the integration system user asks for the JSON report, then it comes as Report_Entry rows over Basic authentication', async () => {
    const report = await fetchReport(source());
    expect(JSON.parse(report.body)).toEqual({ Report_Entry: [expect.objectContaining({ Employee_ID: 'F1' }), expect.objectContaining({ Employee_ID: 'F2', Department: 'Research' })] });
    expect(server.requests().at(-1)).toMatchObject({ auth: 'basic', format: 'json', status: 200 });
  });

  it('when the report is asked for as CSV, then a header row and a line per worker come back', async () => {
    const report = await fetchReport(source({ url: new Secret(server.reportUrl('Workers', 'csv')), format: 'csv' }));
    expect(report.contentType).toMatch(/^text\/csv/);
    expect(report.body.split('\r\n')[0]).toBe('Employee_ID,Worker_Status,First_Name,Last_Name,Business_Title,Department,Worker_Type,Country_ISO_Code');
  });

  it('when the source uses OAuth, then the refresh token is exchanged for a bearer token that reads the report', async () => {
    const report = await fetchReport(source({ auth: oauth() }));
    expect(JSON.parse(report.body).Report_Entry).toHaveLength(2);
    expect(server.requests().at(-1)).toMatchObject({ auth: 'bearer', status: 200 });
  });

  it('when the password is wrong, then the failure says the credentials were refused and shows none of them', async () => {
    expect(await failure({ auth: { type: 'basic', username: new Secret(ISU.username), password: new Secret('wrong-password') } })).toMatch(/answered 401: the credentials were refused/);
  });

  it('when the refresh token is wrong, then the failure names the token endpoint and its status', async () => {
    const auth = { ...oauth(), refreshToken: new Secret('stale-refresh-token') } as ReportAuth;
    expect(await failure({ auth })).toMatch(/token endpoint answered 400/);
  });

  it.each([
    ['the server fails', { status: 500 }, /report server answered 500/],
    ['the server redirects', { status: 302 }, /redirect, not followed/],
  ])('when %s, then the failure says so by status', async (_case, fault, reason) => {
    server.setFault('Workers', { ...fault, times: 1 });
    expect(await failure({})).toMatch(reason);
  });

  it('when the report is larger than HR_REPORT_MAX_BYTES, then the fetch stops and says which limit', async () => {
    expect(await failure({ maxBytes: 64 })).toMatch(/larger than HR_REPORT_MAX_BYTES \(64 bytes\)/);
  });

  it('when the server does not answer in time, then the fetch gives up and names the setting', async () => {
    server.setFault('Workers', { delayMs: 1_500, times: 1 });
    expect(await failure({ timeoutMs: 300 })).toMatch(/did not answer within .*HR_REPORT_TIMEOUT_SECONDS/);
  });

  it('when no report has that name, then the failure says it is not there or not a web service', async () => {
    expect(await failure({ url: new Secret(server.reportUrl('Nope', 'json')) })).toMatch(/answered 404/);
  });

  it('when the report URL is a loopback address outside local development, then it is refused before any request', async () => {
    const before = server.requests().length;
    expect(await failure({ allowPrivate: false })).toMatch(/loopback host/);
    expect(server.requests()).toHaveLength(before);
  });
});

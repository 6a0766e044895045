import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { startHttps, type RunningHttps, type SimRequest } from '../../dev/hr-simulators/https-server';
import { signPayload } from '../../shared/security/hmac-signature';
import { startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait } from '../support/tenant';
import { documentedBlock } from './docs-samples';

/**
 * The ServiceNow Scripted REST API resource script in docs/tickets.md, run as written against the
 * Glide APIs it calls, simulated as ServiceNow documents them, and fed the posts the local host
 * really makes. It proves the page's script accepts our signature and writes the result, and
 * refuses what it must; it cannot prove a real instance behaves as its documentation says.
 */

const SECRET = 'servicenow-write-back-secret-0123456789abcdef';
const PROPERTY = 'x_lifecycle.write_back_secret';

interface Row {
  number: string;
  state: number;
  close_code?: string;
  close_notes?: string;
  u_lifecycle_write_back_id?: string;
  /** The work notes journal: ServiceNow appends an entry for each value written to work_notes. */
  journal: string[];
}

interface Answer {
  status?: number;
  body?: unknown;
}

/**
 * Runs the documented script once, as a resource would run it for one request.
 * - `GlideCertificateEncryption.generateMac(key, algorithm, data)`: key Base64-encoded, MAC returned in Base64
 *   (https://www.servicenow.com/docs/r/api-reference/server-api-reference/c_GlideCertificateEncryptionAPI.html);
 *   `data` is taken as UTF-8, which that page does not say.
 * - `request.body.dataString`: the raw body, readable once with `data`/`dataStream`
 *   (https://www.servicenow.com/docs/r/api-reference/server-api-reference/c_ScriptableServiceRequestBody.html).
 * - `request.getHeader`, `response.setStatus`/`setBody`: as in the script samples
 *   (https://www.servicenow.com/docs/r/yokohama/api-reference/rest-api-explorer/r_ScriptedRESTServiceScriptExamples.html).
 */
function runScript(request: { headers: Record<string, string | undefined>; body: string }, incidents: Row[]): Answer {
  const answer: Answer = {};
  let bodyRead = false;
  class GlideRecord {
    [field: string]: unknown;
    constructor(table: string) {
      Object.defineProperty(this, 'table', { value: table, enumerable: false });
    }
    get(field: string, value: string): boolean {
      const row = (this.table === 'incident' ? incidents : []).find((r) => (r as unknown as Record<string, unknown>)[field] === value);
      if (!row) return false;
      Object.defineProperty(this, 'row', { value: row, enumerable: false });
      const { journal: _journal, ...fields } = row;
      Object.assign(this, fields);
      return true;
    }
    getValue(field: string): string | null {
      const value = this[field];
      return value === undefined || value === null || value === '' ? null : String(value);
    }
    update(): void {
      const row = this.row as Row;
      const { work_notes: note, ...fields } = this;
      Object.assign(row, fields);
      if (typeof note === 'string' && note) row.journal.push(note);
    }
  }
  const context = {
    request: {
      getHeader: (name: string) => request.headers[name.toLowerCase()] ?? null,
      body: {
        get dataString() {
          const first = !bodyRead;
          bodyRead = true;
          return first ? request.body : '';
        },
      },
    },
    response: { setStatus: (s: number) => (answer.status = s), setBody: (b: unknown) => (answer.body = b) },
    gs: { getProperty: (name: string) => (name === PROPERTY ? SECRET : null) },
    GlideStringUtil: { base64Encode: (s: string) => Buffer.from(s, 'utf8').toString('base64') },
    GlideCertificateEncryption: class {
      generateMac(key: string, algorithm: string, data: string): string {
        if (algorithm !== 'HmacSHA256') throw new Error(`unexpected algorithm ${algorithm}`);
        return createHmac('sha256', Buffer.from(key, 'base64')).update(data, 'utf8').digest('base64');
      }
    },
    GlideRecord,
  };
  vm.runInNewContext(documentedBlock('servicenow-script'), context);
  return answer;
}

let receiver: RunningHttps;
let host: TestHost;
const received: SimRequest[] = [];

beforeAll(async () => {
  const tls = { cert: readFileSync(process.env.DEV_TLS_CERT_FILE!, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE!, 'utf8') };
  receiver = await startHttps(tls, 0, (request) => {
    received.push(request);
    return { status: 200 };
  });
  host = await startTestHost({ env: { TICKET_WRITE_BACK_URL: `${receiver.url}/api/x_lifecycle/lifecycle/ticket_result`, TICKET_WRITE_BACK_SECRET: SECRET } });
  await postAndWait(host, hrEvent('joiner', { employeeId: 'SN100', givenName: 'Grace', surname: 'Hopper', department: 'Sales', country: 'GB' }));
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await receiver?.close();
});

/** The post the local host made for this ticket, as the resource would receive it. */
async function livePost(requestId: string, ticket: Record<string, unknown>): Promise<{ headers: Record<string, string | undefined>; body: string }> {
  await host.bus.createSender(host.settings.TICKET_QUEUE_NAME).sendMessages({ messageId: requestId, body: { requestId, employee: { employeeId: 'SN100' }, ...ticket } });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const post = received.find((r) => r.body.toString('utf8').includes(`"requestId":"${requestId}"`));
    if (post) return { headers: post.headers as Record<string, string | undefined>, body: post.body.toString('utf8') };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no write-back for ${requestId}\n${host.logs.slice(-20).join('\n')}`);
}

const incident = (number: string): Row => ({ number, state: 2, journal: [] });

describe('the ServiceNow resource script in docs/tickets.md', () => {
  it('when a signed result for a succeeded ticket arrives, then it writes one work note with every step, resolves the incident and remembers the writeBackId; the same post again changes nothing', async () => {
    const post = await livePost('INC0020001', { action: 'add-group', group: 'SG-Engineering' });
    const rows = [incident('INC0020001')];
    expect(runScript(post, rows)).toEqual({ status: 200, body: { result: 'recorded' } });
    const [row] = rows;
    expect(row).toMatchObject({ state: 6, close_code: 'Solved (Permanently)', u_lifecycle_write_back_id: (JSON.parse(post.body) as { writeBackId: string }).writeBackId });
    expect(row!.journal).toHaveLength(1);
    expect(row!.journal[0]!.split('\n')).toEqual(['Lifecycle access add-group: succeeded', expect.stringMatching(/^- find-user: done/), '- check-protection: done (not a protected account)', '- groups: done (add SG-Engineering)']);

    expect(runScript(post, rows)).toEqual({ status: 200, body: { result: 'repeat' } });
    expect(row!.journal).toHaveLength(1);
  });

  it('when a dead-lettered ticket’s result arrives, then the work note says why and which step failed, and the incident stays open', async () => {
    const post = await livePost('INC0020002', { action: 'add-group', group: 'SG-Nope' });
    const rows = [incident('INC0020002')];
    expect(runScript(post, rows).status).toBe(200);
    expect(rows[0]!.state).toBe(2);
    expect(rows[0]!.journal[0]).toContain('Why: groups: GroupNotFound - ');
    expect(rows[0]!.journal[0]).toContain('- groups: failed [GroupNotFound] rules name group(s) that do not exist: SG-Nope');
  });

  it('when the body was changed after signing, the timestamp is stale, or the headers are missing, then it answers 401 and touches nothing', async () => {
    const post = await livePost('INC0020003', { action: 'add-group', group: 'SG-Engineering' });
    const rows = [incident('INC0020003')];
    const changed = { ...post, body: post.body.replace('"status":"succeeded"', '"status":"skipped"') };
    expect(changed.body).not.toBe(post.body);
    const stale = Math.floor(Date.now() / 1000) - 301;
    const replayed = { body: post.body, headers: { ...post.headers, 'x-signature-timestamp': String(stale), 'x-signature': signPayload(SECRET, stale, post.body) } };
    const unsigned = { body: post.body, headers: { 'content-type': 'application/json' } };
    const answers = [changed, replayed, unsigned].map((request) => runScript(request, rows));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
    expect(answers.map((a) => (a.body as { result: string }).result)).toEqual(['signature does not match', 'timestamp outside 300 s of now', 'signature headers missing or malformed']);
    expect(JSON.stringify(answers)).not.toContain(SECRET);
    expect(rows[0]).toEqual(incident('INC0020003'));
  });

  it('when the result names an incident the instance does not have, then it answers 404, so the write-back is dead-lettered saying so', async () => {
    const post = await livePost('INC0020004', { action: 'add-group', group: 'SG-Engineering' });
    expect(runScript(post, [incident('INC0099999')])).toEqual({ status: 404, body: { result: 'no incident INC0020004' } });
  });
});

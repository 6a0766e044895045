import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestHost, type TestHost } from '../support/test-host';
import { hrEvent, postAndWait, stepsOf } from '../support/tenant';

/** A Workflows trigger URL carries its own credential in `sig`: it must show up nowhere but in the request. */
const SIG = 'workflow-sig-0123456789abcdefSECRET';

let receiver: Server;
let host: TestHost;
const received: { url: string; contentType: string; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer({ cert: readFileSync(process.env.DEV_TLS_CERT_FILE!, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE!, 'utf8') }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', contentType: String(req.headers['content-type']), body });
      res.writeHead(202).end(); // the Workflows trigger accepts with 202
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const url = `https://localhost:${(receiver.address() as AddressInfo).port}/workflows/f00/triggers/manual/paths/invoke?api-version=1&sig=${SIG}`;
  const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'rules-teams-')), 'rules.json');
  writeFileSync(rulesFile, JSON.stringify({ leaver: { deleteAfterDays: null, notifyManager: { channel: 'teams', urlSetting: 'MANAGER_TEAMS_WORKFLOW_URL' } } }));
  host = await startTestHost({ env: { RULES_FILE: rulesFile, MANAGER_TEAMS_WORKFLOW_URL: url } });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await new Promise<void>((r) => receiver.close(() => r()));
});

describe('the manager is told, in Teams', () => {
  it('when a leaver completes, then the Workflows webhook gets one Adaptive Card message, names from HR shown as text, and the URL\'s signature appears nowhere else', async () => {
    const worker = { employeeId: 'NT100', givenName: 'Told', surname: 'InTeams', displayName: '[Told](https://evil.example) *InTeams*', country: 'GB', managerEmployeeId: 'M001' };
    await postAndWait(host, hrEvent('joiner', worker));
    const left = await postAndWait(host, hrEvent('leaver', worker));
    expect(left.status).toBe('succeeded');
    expect(stepsOf(left)['notify-manager']).toMatchObject({ outcome: 'done', detail: 'told Marie Curie <marie.curie@contoso.com> by a Teams workflow (the URL in app setting MANAGER_TEAMS_WORKFLOW_URL)' });
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toContain(`sig=${SIG}`);
    expect(received[0]!.contentType).toBe('application/json');
    const message = JSON.parse(received[0]!.body) as { type: string; attachments: { contentType: string; contentUrl: null; content: { type: string; version: string; body: { type: string; text?: string; facts?: { title: string; value: string }[] }[] } }[] };
    expect(message.type).toBe('message');
    expect(message.attachments).toHaveLength(1);
    const [attachment] = message.attachments;
    expect(attachment).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: { type: 'AdaptiveCard', version: '1.4' } });
    const card = attachment!.content;
    expect(card.body[0]!.text).toBe('\\[Told\\](https://evil.example) \\*InTeams\\* has left');
    const facts = Object.fromEntries(card.body.find((b) => b.type === 'FactSet')!.facts!.map((f) => [f.title, f.value]));
    expect(facts).toMatchObject({ Account: 'told.inteams@contoso.com (employee NT100)', 'Account deleted': 'not automatically' });
    expect(facts['Access closed']).toContain('sign-in disabled');
    const status = await (await fetch(`${host.url}/api/events/${String(left.eventId)}`)).text();
    expect([status, host.logs.join('\n')].join('\n')).not.toContain(SIG);
  });
});

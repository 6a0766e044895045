import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { signPayload, verifySignature } from '../../shared/security/hmac-signature';
import type { tenant } from './tenant';

/** One call a receiver got: where, what, and whether its signature holds under the secret the receiver was given. */
export interface ReceivedCall {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: Record<string, unknown>;
  signatureValid: boolean;
}

/**
 * A custom step's receiver as an operator would run one (a Logic App, a runbook behind a webhook):
 * HTTPS on loopback with the dev certificate, checking our signature with the step's secret, and
 * answering what the test says (202 by default, as a Logic App's request trigger does).
 */
export interface Receiver {
  url: string;
  calls: ReceivedCall[];
  callsTo(path: string): ReceivedCall[];
  /** The status to answer on a path, from now on (a path not set answers 202). */
  answer(path: string, status: number, body?: string): void;
  close(): Promise<void>;
}

export async function startReceiver(secrets: Record<string, string>): Promise<Receiver> {
  const cert = process.env.DEV_TLS_CERT_FILE;
  const key = process.env.DEV_TLS_KEY_FILE;
  if (!cert || !key) throw new Error('Run through `node dev/run-with-dev-ca.js jest` so the dev certificate exists and is trusted.');
  const calls: ReceivedCall[] = [];
  const answers = new Map<string, { status: number; body?: string }>();
  const server: Server = createHttpsServer({ cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const raw = Buffer.concat(chunks);
      const secret = secrets[path] ?? '';
      const check = verifySignature(secret, { signature: header(req.headers['x-signature']), timestamp: header(req.headers['x-signature-timestamp']) }, raw, Math.floor(Date.now() / 1000));
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        // recorded as it came
      }
      calls.push({ path, headers: req.headers, raw: raw.toString('utf8'), body, signatureValid: check.valid });
      const answer = answers.get(path) ?? { status: 202 };
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? '');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://localhost:${port}`,
    calls,
    callsTo: (path) => calls.filter((c) => c.path === path),
    answer: (path, status, body) => answers.set(path, { status, ...(body !== undefined ? { body } : {}) }),
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

function header(value: string | string[] | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

/** What a receiver sends back to `callbackUrl`: the body signed with the step's secret, as our other webhooks are. */
export async function callBack(callbackUrl: string, secret: string, body: unknown, init: { timestamp?: number; signature?: string } = {}): Promise<Response> {
  const raw = JSON.stringify(body);
  const timestamp = init.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(callbackUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-timestamp': String(timestamp), 'x-signature': init.signature ?? signPayload(secret, timestamp, raw) },
    body: raw,
  });
}

/** A port free right now, for a host whose own URL must be known before it starts (CALLBACK_BASE_URL). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const ALL_STAFF = '11111111-1111-4111-8111-111111111111';

/**
 * An account a leaver will find — in SG-All-Staff, with SPE_E3, as the rules give — made in the
 * simulated tenant directly, so no joiner (and none of its custom steps) runs for it.
 */
export async function leaverAccount(sim: ReturnType<typeof tenant>, employeeId: string): Promise<string> {
  const local = `leaver.${employeeId.toLowerCase()}`;
  const created = await sim.graph('POST', '/users', {
    accountEnabled: true,
    displayName: `Leaver ${employeeId}`,
    mailNickname: local,
    userPrincipalName: `${local}@contoso.com`,
    employeeId,
    usageLocation: 'GB',
    passwordProfile: { password: 'Correct-Horse-9-battery', forceChangePasswordNextSignIn: true },
  });
  if (created.status !== 201) throw new Error(`POST /users answered ${created.status}`);
  const id = (created.json as { id: string }).id;
  const added = await sim.graph('POST', `/groups/${ALL_STAFF}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
  const licensed = await sim.graph('POST', `/users/${id}/assignLicense`, { addLicenses: [{ skuId: E3, disabledPlans: [] }], removeLicenses: [] });
  if (added.status !== 204 || licensed.status !== 200) throw new Error(`group add answered ${added.status}, assignLicense ${licensed.status}`);
  return id;
}

/** The rule group and licences an account holds now. */
export function heldBy(sim: ReturnType<typeof tenant>, userId: string): { groups: string[]; licences: (string | undefined)[] } {
  return { groups: sim.groupsOf(userId), licences: sim.skusOf(sim.snapshot().users.find((u) => u.id === userId)!) };
}

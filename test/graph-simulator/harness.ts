import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadSeed, startGraphSimulator, type FaultRule, type RunningGraphSimulator } from '../../dev/graph-simulator';

export const SAMPLE_SEED = path.join(__dirname, '..', '..', 'dev', 'graph-simulator', 'seed.sample.json');
export const IDS = {
  breakglass: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f1',
  marie: '3b9f6c1e-2d4a-4e8b-9c7d-5a1b2c3d4e5f',
  hedy: '8d7c6b5a-4e3f-4a2b-8c1d-0e9f8a7b6c5d',
  katherine: 'c4d5e6f7-0a1b-4c2d-9e3f-4a5b6c7d8e9f',
  allStaff: '11111111-1111-4111-8111-111111111111',
  sales: '22222222-2222-4222-8222-222222222222',
  contractors: '44444444-4444-4444-8444-444444444444',
  dynamic: '55555555-5555-4555-8555-555555555555',
  distributionList: '66666666-6666-4666-8666-666666666666',
  onPrem: '77777777-7777-4777-8777-777777777777',
  E3: '05e9a617-0261-4cee-bb44-138d3ef5d965',
  E5: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
  EXCHANGE: '4b9405b0-7788-4568-add1-99614e613b69',
} as const;

export interface GraphReply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** Starts a simulator on a free port with the repo's dev certificate (set by run-with-dev-ca.js). */
export async function startSimulator(faults: FaultRule[] = []): Promise<RunningGraphSimulator> {
  const cert = process.env.DEV_TLS_CERT_FILE;
  const key = process.env.DEV_TLS_KEY_FILE;
  if (!cert || !key || !process.env.NODE_EXTRA_CA_CERTS) {
    throw new Error('Run these tests through `node dev/run-with-dev-ca.js npx jest` so the dev certificate exists and is trusted.');
  }
  return startGraphSimulator({ port: 0, tls: { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') }, seed: loadSeed(SAMPLE_SEED), faults });
}

/** One Graph call; `path` is relative to /v1.0 unless it is absolute (a nextLink). */
export async function graph(sim: RunningGraphSimulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<GraphReply> {
  const url = path.startsWith('https://') ? path : `${sim.url}/v1.0${path}`;
  const response = await fetch(url, {
    method,
    headers: { Authorization: 'Bearer local-simulator-token', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

export const newUser = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  accountEnabled: true,
  displayName: 'Grace Hopper',
  mailNickname: 'grace.hopper',
  userPrincipalName: 'grace.hopper@contoso.com',
  employeeId: 'E2001',
  passwordProfile: { password: 'Correct-Horse-9', forceChangePasswordNextSignIn: true },
  ...overrides,
});

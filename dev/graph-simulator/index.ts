import { randomUUID } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { errorResponse, GraphError } from './errors';
import type { ChaosOptions } from './chaos';
import { Router, type ObservedRequest } from './router';
import type { AppThrottle, ThrottlingOptions } from './throttle';
import { mergeTemporaryAccessPassPolicy, type TemporaryAccessPassPolicy } from './policies';
import { createState, snapshotOf } from './seed';
import { setGroupLicensingDelay } from './group-licensing';
import { sentMail, type SentMail } from './mail';
import type { FaultRule, GraphSeed, SimContext, SimResponse, SimulatorState, TenantSnapshot } from './types';

export { loadSeed, validateSeed } from './seed';
export { generateUsers, type GeneratedUsersOptions } from './generate';
export { loadGraphMetadata } from './csdl';
export type { ChaosOptions } from './chaos';
export { AppThrottle, type AppThrottlingOptions, type ThrottlingOptions } from './throttle';
export type { ObservedRequest } from './router';
export { DEFAULT_APP_ROLES } from './app-roles';
export { provisionOneDrive, oneDrivePermissions, type OneDriveRecord } from './drives';
export type { TemporaryAccessPassPolicy } from './policies';
export { seedAuthenticationMethods, type SeedAuthenticationMethod } from './authentication-methods';
export { checkInManagedDevice, seedDevices, type DeviceRecord, type DeviceSeed, type ManagedDeviceRecord } from './devices';
export type { SentMail } from './mail';
export type { FaultRule, GraphSeed, SimulatorState, TenantSnapshot, UserRecord, GroupRecord, SkuRecord, OwnedAppRecord } from './types';

export const SIMULATOR_TOKEN = 'local-simulator-token';

export interface GraphSimulatorOptions {
  /** 0 = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  tls: { cert: string; key: string };
  seed?: GraphSeed;
  faults?: FaultRule[];
  /** Only accept `Bearer local-simulator-token` (default: any bearer token). */
  strictToken?: boolean;
  /** Graph-like sliding-window budgets → 429 with Retry-After. Off by default. */
  throttling?: ThrottlingOptions;
  /** The app's budget across all its tenants: give the same one to each tenant's simulator. Off by default. */
  appThrottle?: AppThrottle;
  /** The time throttling windows run on (tests move it to shorten a wait). Default `Date.now`. */
  clock?: () => number;
  /** Random transient 429/503/504 and latency. Off by default. */
  chaos?: ChaosOptions;
  /** A user created by POST /users is invisible elsewhere for this long (eventual consistency). */
  replicationDelayMs?: number;
  /** false: `signInActivity` is refused (403) like in a tenant without Entra ID P1. Default true. */
  signInActivityAvailable?: boolean;
  /** Group-based licensing applies a membership change to the member's licences this much later (Entra does it in the background). Default 0. */
  groupLicensingDelayMs?: number;
  /** Graph application permissions the app holds, where they change answers (app-roles.ts). Default DEFAULT_APP_ROLES. */
  appRoles?: readonly string[];
  /** Sees every routed request, batch items included (tests only). */
  observe?: (request: ObservedRequest) => void;
}

export interface RunningGraphSimulator {
  /** `https://localhost:PORT` (no `/v1.0`). */
  url: string;
  state: SimulatorState;
  snapshot(): TenantSnapshot;
  setFaults(rules: FaultRule[]): void;
  setThrottling(options: ThrottlingOptions | undefined): void;
  setChaos(options: ChaosOptions | undefined): void;
  setReplicationDelay(ms: number): void;
  /** How long group-based licensing takes to follow a membership change from now on (group-licensing.ts). */
  setGroupLicensingDelay(ms: number): void;
  /** false: `signInActivity` is refused like in a tenant without Entra ID P1. */
  setSignInActivityAvailable(available: boolean): void;
  /** The Graph application permissions the app holds from now on (app-roles.ts). */
  setAppRoles(roles: readonly string[]): void;
  /** Changes the tenant's Temporary Access Pass policy (policies.ts); an invalid policy throws. */
  setTemporaryAccessPassPolicy(change: Partial<TemporaryAccessPassPolicy>): void;
  /** Mail the app sent through `POST /users/{id}/sendMail`, oldest first (mail.ts). */
  outbox(): SentMail[];
  stats(): { requests: number; byRoute: Record<string, number> };
  close(): Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;

function send(res: import('node:http').ServerResponse, response: SimResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'request-id')) headers['request-id'] = randomUUID();
  if (response.body === undefined) {
    res.writeHead(response.status, headers).end();
    return;
  }
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  const raw = typeof response.body === 'string' && /^text\/plain/i.test(headers['Content-Type'] ?? '');
  res.writeHead(response.status, headers).end(raw ? (response.body as string) : JSON.stringify(response.body));
}

/** Starts a local HTTPS imitation of the Microsoft Graph v1.0 endpoints this app uses. */
export async function startGraphSimulator(options: GraphSimulatorOptions): Promise<RunningGraphSimulator> {
  const state = createState(options.seed);
  if (options.groupLicensingDelayMs) setGroupLicensingDelay(state, options.groupLicensingDelayMs);
  let port = options.port ?? 0;
  const ctx: SimContext = { state, replicationDelayMs: options.replicationDelayMs ?? 0, signInActivityAvailable: options.signInActivityAvailable ?? true, get baseUrl() { return `https://localhost:${port}/v1.0`; } };
  if (options.appRoles) ctx.appRoles = new Set(options.appRoles);
  const router = new Router(ctx, options.clock);
  router.appThrottle = options.appThrottle;
  router.faults.set(options.faults ?? []);
  router.observer = options.observe;
  router.throttle.set(options.throttling);
  router.chaos.set(options.chaos);

  const server = https.createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      const clientRequestId = typeof req.headers['client-request-id'] === 'string' ? req.headers['client-request-id'] : undefined;
      const fail = (status: number, code: string, message: string) => send(res, errorResponse(new GraphError(status, code, message), clientRequestId));
      const auth = req.headers.authorization ?? '';
      const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
      if (!bearer || (options.strictToken && bearer[1] !== SIMULATOR_TOKEN)) {
        fail(401, 'InvalidAuthenticationToken', bearer ? 'Access token validation failure. Invalid audience.' : 'Access token is empty.');
        return;
      }
      const url = new URL(req.url ?? '/', 'https://localhost');
      if (!url.pathname.startsWith('/v1.0/')) {
        fail(400, 'BadRequest', `Invalid version: ${url.pathname.split('/')[1] ?? ''}`);
        return;
      }
      let body: unknown;
      const raw = Buffer.concat(chunks).toString('utf8');
      if (size > MAX_BODY) return fail(413, 'RequestEntityTooLarge', 'The request payload is too large.');
      if (raw.trim()) {
        try {
          body = JSON.parse(raw);
        } catch {
          return fail(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
        }
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const response = router.dispatch({ method: (req.method ?? 'GET').toUpperCase(), path: url.pathname.slice('/v1.0'.length), query: url.searchParams, headers, body });
      const delay = router.chaos.latency();
      if (delay > 0) setTimeout(() => send(res, response), delay);
      else send(res, response);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `https://localhost:${port}`,
    state,
    snapshot: () => snapshotOf(state),
    setFaults: (rules) => router.faults.set(rules),
    setThrottling: (throttling) => router.throttle.set(throttling),
    setChaos: (chaos) => router.chaos.set(chaos),
    setReplicationDelay: (ms) => {
      if (!(ms >= 0)) throw new Error(`replication delay must be >= 0 ms, got ${ms}`);
      ctx.replicationDelayMs = ms;
    },
    setGroupLicensingDelay: (ms) => setGroupLicensingDelay(state, ms),
    setSignInActivityAvailable: (available) => {
      ctx.signInActivityAvailable = available;
    },
    setAppRoles: (roles) => {
      ctx.appRoles = new Set(roles);
    },
    setTemporaryAccessPassPolicy: (change) => {
      state.temporaryAccessPassPolicy = mergeTemporaryAccessPassPolicy(state.temporaryAccessPassPolicy, change);
    },
    outbox: () => structuredClone(sentMail(state)),
    stats: () => ({ requests: router.requests, byRoute: { ...router.byRoute } }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

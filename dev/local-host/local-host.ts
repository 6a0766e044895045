import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { InvocationContext } from '@azure/functions';
import { functionDeclarations } from '../../functions/declarations';
import { parseSettings, type Settings } from '../../shared/config/settings';
import { graphAppRolesFor } from '../../shared/graph/permissions';
import {
  resolveAppSettingReference,
  type FunctionDeclaration,
  type HttpFunctionDeclaration,
  type ServiceBusQueueFunctionDeclaration,
  type TimerFunctionDeclaration,
} from '../../shared/hosting/function-declarations';
import { provideServices, resetServices, services } from '../../shared/runtime/services';
import { createTenantRegistry } from '../../shared/tenancy/tenant-registry';
import { startGraphSimulator, loadSeed, type ObservedRequest, type RunningGraphSimulator } from '../graph-simulator';
import { LocalServiceBus } from '../local-service-bus';
import { LocalDeadLetters } from '../local-service-bus/dead-letters';
import { startAzurite, type RunningAzurite } from './azurite';
import { createLocalHttpServer, type AdminHandlers } from './http-server';
import { listenOnSetting, portFromSetting } from './ports';
import { lockLocalState } from './state-lock';
import { scheduleTimers, type TimerScheduler } from './timers';

const repoRoot = path.join(__dirname, '..', '..');

/** A development-only HMAC secret, documented in the README so the sample request can be signed. */
export const DEV_HR_WEBHOOK_SECRET = 'local-dev-hr-webhook-secret-change-me-000';

export interface LocalHostOptions {
  /** Default: PORT or 7071; 0 picks a free port (tests). */
  port?: number;
  env?: NodeJS.ProcessEnv;
  /** Where the in-process Service Bus keeps its journal, so a restart loses no message (default LOCAL_QUEUE_DIR, else .local/servicebus). */
  dataDir?: string;
  /** Where the embedded Azurite keeps the ledger and other tables (default LOCAL_STORAGE_DIR, else `azurite` beside the journal). */
  storageDir?: string;
  declarations?: readonly FunctionDeclaration[];
  log?: (line: string) => void;
  timersPaused?: boolean;
  /** Sees every request the embedded simulator routes (tests). */
  observeGraph?: (request: ObservedRequest) => void;
}

export interface RunningLocalHost {
  url: string;
  settings: Settings;
  bus: LocalServiceBus;
  simulator?: RunningGraphSimulator;
  /** The Azurite the host started, when AzureWebJobsStorage was not set. */
  azurite?: Pick<RunningAzurite, 'blobEndpoint' | 'tableEndpoint' | 'location'>;
  runFunction(name: string): Promise<boolean>;
  stop(): Promise<void>;
}

export interface ServiceBusHostOptions {
  maxConcurrentCalls?: number;
  maxConcurrentSessions?: number;
  maxDeliveryCount?: number;
  /** host.json's `hh:mm:ss` value, in ms. */
  sessionIdleTimeoutMs?: number;
  /** host.json's `maxAutoLockRenewalDuration`, in ms: how long a running handler's lock is renewed. */
  maxAutoLockRenewalDurationMs?: number;
}

/**
 * Runs the app's functions the way the Functions host would, against local stand-ins:
 * Azurite for storage, the Graph simulator unless GRAPH_BASE_URL is set, and an in-process
 * queue with the Service Bus semantics the app relies on.
 */
export async function startLocalHost(options: LocalHostOptions = {}): Promise<RunningLocalHost> {
  const log = options.log ?? ((line: string) => console.log(line));
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), LIFECYCLE_RUNTIME: 'local' };
  const declarations = options.declarations ?? functionDeclarations;
  const cleanups: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  };

  try {
    const port = options.port ?? portFromSetting(env, 'PORT', 7071);
    const simulatorPort = portFromSetting(env, 'GRAPH_SIMULATOR_PORT', 7072);
    // The journal and the ledger are one state: kept side by side, both survive a restart, so
    // no message outlives its ledger row (nor a row its message).
    const queueDir = path.resolve(options.dataDir ?? env.LOCAL_QUEUE_DIR ?? path.join(repoRoot, '.local', 'servicebus'));
    const storageDir = path.resolve(options.storageDir ?? env.LOCAL_STORAGE_DIR ?? path.join(path.dirname(queueDir), 'azurite'));
    const lock = lockLocalState(queueDir);
    cleanups.push(() => lock.release());
    let azurite: RunningAzurite | undefined;
    if (!env.AzureWebJobsStorage && !env.AzureWebJobsStorage__accountName) {
      azurite = await startAzurite({ inMemory: false, location: storageDir });
      cleanups.push(() => azurite?.stop());
      env.AzureWebJobsStorage = azurite.connectionString;
      log(`[local-host] Azurite: Table ${azurite.tableEndpoint}, Blob ${azurite.blobEndpoint} (data kept in ${storageDir})`);
    }

    let simulator: RunningGraphSimulator | undefined;
    if (!env.GRAPH_BASE_URL) {
      simulator = await listenOnSetting('GRAPH_SIMULATOR_PORT', simulatorPort, () => startEmbeddedSimulator(env, simulatorPort, options.observeGraph));
      cleanups.push(() => simulator?.close());
      env.GRAPH_BASE_URL = simulator.url;
      env.GRAPH_CREDENTIAL = 'local';
    }
    if (!env.HR_WEBHOOK_SECRET) {
      env.HR_WEBHOOK_SECRET = DEV_HR_WEBHOOK_SECRET;
      log('[local-host] HR_WEBHOOK_SECRET is not set: using the development secret from the README');
    }

    const settings = parseSettings(env);
    const hostJson = readHostJson(env);
    const bus = await LocalServiceBus.open({ dataDir: queueDir });
    cleanups.push(() => bus.close());
    const resolve = (value: string) => resolveAppSettingReference(value, env, settingDefaults(settings));
    const sbDeclarations = declarations.filter((d): d is ServiceBusQueueFunctionDeclaration => d.kind === 'serviceBusQueue');
    for (const d of sbDeclarations) {
      bus.createQueue(resolve(d.queueName), {
        requiresSession: d.isSessionsEnabled,
        requiresDuplicateDetection: true,
        maxDeliveryCount: hostJson.maxDeliveryCount ?? 10,
      });
    }
    provideServices({
      settings: () => settings,
      processingQueue: () => bus.createSender(settings.PROCESSING_QUEUE_NAME),
      deadLetters: () => new LocalDeadLetters(bus),
      // Tenants' secret settings are read from the host's environment, like the app settings.
      tenants: () => createTenantRegistry(settings, env, () => services().policy),
    });
    cleanups.push(() => resetServices());

    for (const d of sbDeclarations) {
      const subscription = bus.subscribe(
        resolve(d.queueName),
        (input) => d.handler(input, invocationContext(d.name, log)),
        {
          maxConcurrentCalls: hostJson.maxConcurrentCalls ?? 16,
          maxConcurrentSessions: hostJson.maxConcurrentSessions ?? 8,
          autoCompleteMessages: false,
          ...(hostJson.sessionIdleTimeoutMs !== undefined ? { sessionIdleTimeoutMs: hostJson.sessionIdleTimeoutMs } : {}),
          ...(hostJson.maxAutoLockRenewalDurationMs !== undefined ? { maxAutoLockRenewalDurationMs: hostJson.maxAutoLockRenewalDurationMs } : {}),
        },
      );
      cleanups.push(() => subscription.close());
    }

    const timers: TimerScheduler = scheduleTimers(
      declarations.filter((d): d is TimerFunctionDeclaration => d.kind === 'timer'),
      resolve,
      log,
      { paused: options.timersPaused ?? false },
    );
    cleanups.push(() => timers.stop());

    const server = createLocalHttpServer({
      functions: declarations.filter((d): d is HttpFunctionDeclaration => d.kind === 'http'),
      admin: { invokeFunction: (name) => timers.runNow(name), sendMessage: queueSender(bus, sbDeclarations.map((d) => ({ name: resolve(d.queueName), sessions: d.isSessionsEnabled }))) },
      log,
    });
    await listenOnSetting('PORT', port, () => new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => ok());
    }));
    cleanups.push(() => new Promise<void>((ok) => server.close(() => ok())));
    const url = `http://localhost:${(server.address() as AddressInfo).port}`;

    printBanner(log, { url, declarations, resolve, settings, simulator, azurite, queueDir });
    return {
      url,
      settings,
      bus,
      ...(simulator ? { simulator } : {}),
      ...(azurite ? { azurite: { blobEndpoint: azurite.blobEndpoint, tableEndpoint: azurite.tableEndpoint, location: storageDir } } : {}),
      runFunction: (name) => timers.runNow(name),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * `POST /admin/queues/{queue}/messages`: puts a message on one of the host's queues, as a
 * ticketing tool puts a ticket on the ticket queue in Azure. A session queue refuses a message
 * without a SessionId, as Service Bus does (the processing queue is fed by the app's own intake).
 */
function queueSender(bus: LocalServiceBus, queues: { name: string; sessions: boolean }[]): AdminHandlers['sendMessage'] {
  return async (name, body) => {
    const queue = queues.find((q) => q.name === name);
    if (!queue) return { sent: false, status: 410, error: `The messaging entity '${name}' could not be found: the local host's queues are ${queues.map((q) => q.name).join(', ')}.` };
    if (queue.sessions) {
      return { sent: false, status: 400, error: `The SessionId was not set on a message, and it cannot be sent to the entity '${name}': it requires sessions.` };
    }
    const messageId = randomUUID();
    await bus.createSender(name).sendMessages({ body, messageId, contentType: 'application/json' });
    return { sent: true, messageId };
  };
}

async function startEmbeddedSimulator(env: NodeJS.ProcessEnv, port: number, observe?: (request: ObservedRequest) => void): Promise<RunningGraphSimulator> {
  const certFile = env.DEV_TLS_CERT_FILE;
  const keyFile = env.DEV_TLS_KEY_FILE;
  if (!certFile || !keyFile || !env.NODE_EXTRA_CA_CERTS) {
    throw new Error('The embedded Graph simulator needs its TLS certificate trusted: start through `npm start` (dev/run-with-dev-ca.js).');
  }
  const seedFile = env.GRAPH_SEED_FILE ?? path.join(repoRoot, 'dev', 'graph-simulator', 'seed.sample.json');
  return startGraphSimulator({
    port,
    tls: { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') },
    seed: loadSeed(seedFile),
    // The permissions the grant script would give the app with these settings, so the simulator
    // refuses (or hides) what Graph would without them.
    appRoles: graphAppRolesFor(env),
    ...(observe ? { observe } : {}),
  });
}

function invocationContext(functionName: string, log: (line: string) => void): InvocationContext {
  return new InvocationContext({
    invocationId: randomUUID(),
    functionName,
    logHandler: (level, ...args) => log(`[${functionName}] ${level}: ${args.map(String).join(' ')}`),
  });
}

/** The Service Bus options the Functions host would use, from our own host.json. */
export function readHostJson(env: NodeJS.ProcessEnv): ServiceBusHostOptions {
  const json = JSON.parse(readFileSync(path.join(repoRoot, 'host.json'), 'utf8')) as {
    extensions?: { serviceBus?: { maxConcurrentCalls?: number; maxConcurrentSessions?: number; sessionIdleTimeout?: string; maxAutoLockRenewalDuration?: string } };
  };
  const { sessionIdleTimeout, maxAutoLockRenewalDuration, ...rest } = { ...json.extensions?.serviceBus, ...hostJsonOverrides(env) };
  return {
    ...rest,
    ...(sessionIdleTimeout ? { sessionIdleTimeoutMs: timeSpanMs(sessionIdleTimeout) } : {}),
    ...(maxAutoLockRenewalDuration ? { maxAutoLockRenewalDurationMs: timeSpanMs(maxAutoLockRenewalDuration) } : {}),
  };
}

/**
 * App settings that override host.json, as the Functions host reads them
 * (`AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentSessions`; "Override host.json
 * values", https://learn.microsoft.com/azure/azure-functions/functions-host-json#override-hostjson-values).
 */
function hostJsonOverrides(env: NodeJS.ProcessEnv): { maxConcurrentCalls?: number; maxConcurrentSessions?: number; sessionIdleTimeout?: string } {
  const prefix = 'AzureFunctionsJobHost__extensions__serviceBus__';
  const count = (name: 'maxConcurrentCalls' | 'maxConcurrentSessions') => {
    const raw = env[`${prefix}${name}`];
    if (raw === undefined) return {};
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${prefix}${name} must be a positive whole number, not ${JSON.stringify(raw)}`);
    return { [name]: value };
  };
  const idle = env[`${prefix}sessionIdleTimeout`];
  return { ...count('maxConcurrentCalls'), ...count('maxConcurrentSessions'), ...(idle ? { sessionIdleTimeout: idle } : {}) };
}

/** `hh:mm:ss[.fff]`, as host.json writes time spans. */
function timeSpanMs(value: string): number {
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value);
  if (!match) throw new Error(`host.json: '${value}' is not a hh:mm:ss time span`);
  return ((Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3])) * 1000;
}

function settingDefaults(settings: Settings): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

interface BannerFacts {
  url: string;
  declarations: readonly FunctionDeclaration[];
  resolve: (v: string) => string;
  settings: Settings;
  simulator: RunningGraphSimulator | undefined;
  azurite: RunningAzurite | undefined;
  queueDir: string;
}

function printBanner(log: (line: string) => void, { url, declarations, resolve, settings, simulator, azurite, queueDir }: BannerFacts): void {
  log('Functions:');
  for (const d of declarations) {
    if (d.kind === 'http') log(`  ${d.name}: [${d.methods.join(',')}] ${url}/api/${d.route}`);
    if (d.kind === 'serviceBusQueue') {
      const queue = resolve(d.queueName);
      log(`  ${d.name}: serviceBusTrigger (queue ${queue}${d.isSessionsEnabled ? ', sessions' : `; send one: POST ${url}/admin/queues/${queue}/messages`})`);
    }
    if (d.kind === 'timer') log(`  ${d.name}: timerTrigger (${resolve(d.schedule)}; run now: POST ${url}/admin/functions/${d.name})`);
  }
  log(`Graph: ${settings.GRAPH_BASE_URL}${simulator ? ' (embedded simulator)' : ''}`);
  log(`Storage: ${azurite ? `embedded Azurite, Table ${azurite.tableEndpoint} (data kept in ${azurite.location})` : 'configured AzureWebJobsStorage'}`);
  log(`Queues: in-process, journal kept in ${queueDir}`);
  if (azurite) log('Both survive a restart. To start afresh, stop the host and delete both folders, never only one.');
  if (simulator) log('The simulated tenant starts from its seed file on every start.');
  log('Press Ctrl+C to stop.');
}

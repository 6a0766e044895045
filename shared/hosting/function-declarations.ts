import type { HttpMethod, HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import type { ServiceBusTriggerInput } from '../messaging/types';

/**
 * One declaration per function: its name, trigger and handler. `functions/index.ts` registers
 * each with `app.*` for the Functions host; the local host serves the same list. Outside the
 * Functions host `app.*` registrations are silently skipped, so this list is the only source.
 */

export interface HttpFunctionDeclaration {
  kind: 'http';
  name: string;
  /** Route under `/api`, with `{param}` segments as in the Functions host. */
  route: string;
  methods: HttpMethod[];
  authLevel: 'anonymous' | 'function' | 'admin';
  handler: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;
}

export interface ServiceBusQueueFunctionDeclaration {
  kind: 'serviceBusQueue';
  name: string;
  /** App setting reference, e.g. `%PROCESSING_QUEUE_NAME%`, resolved by the host. */
  queueName: string;
  /** Prefix of the identity-based connection settings (`<connection>__fullyQualifiedNamespace`). */
  connection: string;
  isSessionsEnabled: boolean;
  /** Receives the SDK binding's `{ messages, actions }` and settles each message itself. */
  handler: (input: ServiceBusTriggerInput, context: InvocationContext) => Promise<void>;
}

export interface TimerFunctionDeclaration {
  kind: 'timer';
  name: string;
  /** NCRONTAB with seconds (`0 0 6 * * *`) or an app setting reference (`%AUDIT_SCHEDULE%`). */
  schedule: string;
  handler: (timer: Timer, context: InvocationContext) => Promise<void>;
}

export type FunctionDeclaration = HttpFunctionDeclaration | ServiceBusQueueFunctionDeclaration | TimerFunctionDeclaration;

/** Resolves `%SETTING%` references the way the Functions host does for binding expressions. */
export function resolveAppSettingReference(value: string, env: NodeJS.ProcessEnv, defaults: Record<string, string> = {}): string {
  return value.replace(/%([A-Za-z0-9_]+)%/g, (_match, name: string) => {
    const resolved = env[name] ?? defaults[name];
    if (resolved === undefined || resolved === '') {
      throw new Error(`App setting ${name} (referenced as %${name}%) is not set`);
    }
    return resolved;
  });
}

import type * as z from 'zod';
import type { NamedSetting } from '../config/settings';

/**
 * The port every thin-webhook HR connector implements. An HR system posts a signed notice that
 * something changed about one or more employees (ids, rarely the data); the connector checks the
 * signature with that system's own scheme, reads the notice into changes, and later fetches each
 * employee's current record from the system's API. Everything after that — mapping, events,
 * retries, dead letters — is the same for every connector (shared/connectors/*.ts around it), so
 * another HR system is one new module behind this interface and one line in registry.ts.
 */

/** What a webhook said happened to one employee, in our words. */
export type ChangeKind = 'created' | 'updated' | 'left' | 'deleted';

export interface ConnectorChange {
  /**
   * The same for every delivery of one notice and different for every other: a digest of what the
   * signed body says (event type, employee, the sender's event time). Neither BambooHR nor HiBob
   * gives an event id, so this is the connector's event id.
   */
  key: string;
  /** The HR system's own id of the employee (BambooHR's employee ID, HiBob's backend id). */
  sourceId: string;
  kind: ChangeKind;
  /** When the HR system says it happened (ISO 8601, UTC). */
  occurredAt: string;
}

export interface WebhookRequest {
  raw: Buffer;
  header(name: string): string | null;
  now: Date;
}

export type Verification = { valid: true } | { valid: false; reason: string };

export type ParsedNotice =
  /** A test call the HR system makes when the webhook is set up: answered 2xx, nothing queued. */
  | { kind: 'ping' }
  | { kind: 'changes'; changes: ConnectorChange[]; ignored: number }
  /** Not a notice this connector reads; `problem` names the field, never a value. */
  | { kind: 'invalid'; problem: string };

/** One employee record as the HR API returned it; the mapping reads it (`[work.department]`). */
export type SourceRecord = Record<string, unknown>;

export type FetchResult =
  | { kind: 'found'; record: SourceRecord }
  /** The API says there is no such employee (404): deleted, or never visible to this key. */
  | { kind: 'gone' }
  /** Worth trying again later: 5xx, 429, a timeout, a broken connection. */
  | { kind: 'transient'; reason: string; retryAfterMs?: number }
  /** A person must act (a revoked key, missing permission, a request the API calls malformed). */
  | { kind: 'refused'; code: string; reason: string; remedy: string };

/** How the connector reaches its HR API for one tenant; built by `resolve`, holding secrets only as functions' closures. */
export interface ConnectorAccess {
  /** The webhook signing key (BambooHR's private key, HiBob's webhook secret). */
  webhookSecret(): string;
  /** Reads one employee's current record: the fields the mapping reads, and what the connector needs itself. */
  fetch(sourceId: string, fields: readonly string[]): Promise<FetchResult>;
}

export type ResolvedAccess = { ok: true; access: ConnectorAccess } | { ok: false; problem: string };

export interface ResolveContext {
  /** Reads an app setting a tenant names (a Key Vault reference in Azure); problems name the setting, never the value. */
  namedSetting: (name: string, options?: { minLength?: number }) => NamedSetting;
  runtime: 'azure' | 'local';
  /** Per request; the webhook must be answered quickly and a stuck API must not hold a queue slot. */
  timeoutMs: number;
}

export interface HrConnector<Config = unknown> {
  /** The route segment (`/api/hr/connectors/{name}`), the mapping source and the events' source. */
  readonly name: string;
  readonly displayName: string;
  /** This connector's part of a tenant's `connectors` (names app settings; holds no secret). */
  readonly configSchema: z.ZodType<Config>;
  /** Checks the HR system's own signature over the raw body; our X-Signature plays no part. */
  verify(request: WebhookRequest, secret: string): Verification;
  /** The changes a verified notice carries. */
  parse(body: string, now: Date): ParsedNotice;
  /** The tenant's access to the HR API, from its config and the app settings it names. */
  resolve(config: Config, context: ResolveContext): ResolvedAccess;
  /**
   * A minimal record for an employee the API no longer has, from what the notice itself carried,
   * so a mapping whose employeeId is the HR system's own id still finds the worker.
   */
  goneRecord(sourceId: string): SourceRecord;
  /** The API fields a mapping attribute path reads (`work.reportsTo.id` → `work.reportsTo`). */
  fieldOf(attributePath: string): string | undefined;
  /** Fields fetched whatever the mapping reads. */
  readonly requiredFields: readonly string[];
}

import * as z from 'zod';
import { canonicalJson } from '../domain/canonical-json';
import { apiBase, apiBaseUrlSchema, MIN_WEBHOOK_SECRET_LENGTH, readSecret, settingNameSchema } from './config-fields';
import { basicAuthorization, callHrApi, type ApiCall } from './http';
import type { ChangeKind, FetchResult, HrConnector, ParsedNotice, SourceRecord, Verification, WebhookRequest } from './port';
import { changeKey, hmac, readTimestamp, sameMac } from './signature';

/**
 * HiBob (Bob), docs/connectors.md cites each page.
 * - Webhooks v2: `{ companyId, type, triggeredBy, triggeredAt, version: "v2", data: { employeeId, … } }`
 *   (apidocs.hibob.com/reference/api-calls-for-webhook-events); `employee.created|updated|deleted`
 *   and the lifecycle events `employee.joined|left|activated|inactivated`
 *   (…/reference/employee-changes-events). A new webhook is first sent "Ping test" (…/docs/working-with-webhooks).
 * - Signature: `Bob-Signature`, base64 HMAC-SHA512 of the raw body under the webhook's secret
 *   (…/docs/working-with-webhooks, "Authenticate your events"). It covers no timestamp.
 * - Fetch: `POST https://api.hibob.com/v1/people/{id}` with `{ fields }` (…/reference/post_people-identifier),
 *   Basic authentication with the service user's ID and token (…/reference/authorization). List
 *   fields (department, site, title) are item ids in machine format, so `humanReadable: "APPEND"`
 *   adds their names under `humanReadable`.
 */

export const hiBobConfigSchema = z
  .object({
    /** The app setting holding the webhook's secret, from the webhook's settings in Bob. */
    webhookSecretSetting: settingNameSchema,
    /** The API service user's ID (an identifier, not a secret). */
    serviceUserId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be the service user ID'),
    /** The app setting holding the service user's token. */
    serviceUserTokenSetting: settingNameSchema,
    apiBaseUrl: apiBaseUrlSchema,
  })
  .strict();
export type HiBobConfig = z.infer<typeof hiBobConfigSchema>;

const PUBLIC_API = 'https://api.hibob.com';
const SIGNATURE = 'bob-signature';

const EVENT_KINDS: Readonly<Record<string, ChangeKind>> = {
  'employee.created': 'created',
  'employee.updated': 'updated',
  'employee.joined': 'updated',
  'employee.activated': 'updated',
  // On leave or terminated: the record says which, so the mapping decides.
  'employee.inactivated': 'updated',
  'employee.left': 'left',
  'employee.deleted': 'deleted',
};

const notice = z.object({
  type: z.string().max(100),
  triggeredAt: z.string().max(64),
  version: z.string().max(10).optional(),
  data: z.object({ employeeId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional() }).passthrough(),
});

export function verifyHiBob(request: WebhookRequest, secret: string): Verification {
  const signature = request.header(SIGNATURE);
  if (!signature) return { valid: false, reason: `${SIGNATURE} header missing` };
  if (!/^[A-Za-z0-9+/]{86}={0,2}$/.test(signature.trim())) return { valid: false, reason: `${SIGNATURE} is not a base64 SHA-512 MAC` };
  const expected = hmac('sha512', secret, request.raw);
  return sameMac(expected, Buffer.from(signature.trim(), 'base64')) ? { valid: true } : { valid: false, reason: 'signature does not match the body (another webhook secret, or the body changed after signing)' };
}

export function parseHiBob(body: string): ParsedNotice {
  if (body.trim() === 'Ping test') return { kind: 'ping' };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: 'invalid', problem: '(body): is not JSON' };
  }
  if (isObject(json) && json.text === 'Ping test' && Object.keys(json).length === 1) return { kind: 'ping' };
  const parsed = notice.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { kind: 'invalid', problem: `${issue.path.join('.') || '(body)'}: is not what a Bob webhook v2 sends (${issue.message})` };
  }
  const { type, triggeredAt, data } = parsed.data;
  const kind = EVENT_KINDS[type];
  if (!kind) return { kind: 'changes', changes: [], ignored: 1 };
  if (data.employeeId === undefined) return { kind: 'invalid', problem: 'data.employeeId: is required for employee events' };
  const at = readTimestamp(triggeredAt);
  if (at === undefined) return { kind: 'invalid', problem: 'triggeredAt: is not an ISO 8601 time' };
  const key = changeKey('hibob', type, data.employeeId, triggeredAt, canonicalJson(data));
  return { kind: 'changes', changes: [{ key, sourceId: data.employeeId, kind, occurredAt: new Date(at).toISOString() }], ignored: 0 };
}

/**
 * Field ids as Bob names them: a top-level property is `root.<name>`, anything else its category
 * and field (`work.reportsTo.id` reads the `work.reportsTo` field). `humanReadable.` paths read the
 * same field's names.
 */
export function hiBobFieldOf(path: string): string | undefined {
  const plain = path.startsWith('humanReadable.') ? path.slice('humanReadable.'.length) : path;
  if (plain.startsWith('webhook.') || plain === '') return undefined;
  const parts = plain.split('.');
  return parts.length === 1 ? `root.${parts[0]}` : `${parts[0]}.${parts[1]}`;
}

/**
 * A manager is named by Bob's own id; the worker's manager in Entra by the manager's employeeId,
 * which in Bob is `work.employeeIdInCompany`. When the mapping reads the manager, their
 * employeeIdInCompany is read too and put beside the id (`work.reportsTo.employeeIdInCompany`).
 */
async function withManagerNumber(record: SourceRecord, read: (id: string, fields: string[]) => Promise<FetchResult>): Promise<FetchResult> {
  const work = isObject(record.work) ? record.work : undefined;
  const reportsTo = work && isObject(work.reportsTo) ? work.reportsTo : undefined;
  const managerId = typeof reportsTo?.id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(reportsTo.id) ? reportsTo.id : undefined;
  if (!work || !reportsTo || !managerId) return { kind: 'found', record };
  const manager = await read(managerId, ['work.employeeIdInCompany']);
  if (manager.kind === 'gone') return { kind: 'found', record };
  if (manager.kind !== 'found') return manager;
  const number = isObject(manager.record.work) ? manager.record.work.employeeIdInCompany : undefined;
  return { kind: 'found', record: { ...record, work: { ...work, reportsTo: { ...reportsTo, ...(number !== undefined ? { employeeIdInCompany: number } : {}) } } } };
}

export const hiBobConnector: HrConnector<HiBobConfig> = {
  name: 'hibob',
  displayName: 'HiBob',
  configSchema: hiBobConfigSchema,
  verify: verifyHiBob,
  parse: (body) => parseHiBob(body),
  requiredFields: ['root.id'],
  fieldOf: hiBobFieldOf,
  goneRecord: (sourceId) => ({ id: sourceId }),
  resolve(config, context) {
    const secret = readSecret(context, 'webhookSecretSetting', config.webhookSecretSetting, MIN_WEBHOOK_SECRET_LENGTH);
    if (!secret.ok) return secret;
    const token = readSecret(context, 'serviceUserTokenSetting', config.serviceUserTokenSetting);
    if (!token.ok) return token;
    const base = apiBase(config.apiBaseUrl, PUBLIC_API, context);
    if (!base.ok) return base;
    const authorization = basicAuthorization(config.serviceUserId, token.value);
    const remedies: ApiCall['remedies'] = {
      unauthorized: `Check the service user ID in the connector configuration and that app setting ${config.serviceUserTokenSetting} holds its current token, then replay.`,
      forbidden: `Add the service user to a permission group that may read employees and the fields the mapping reads, then replay.`,
    };
    const read = (id: string, fields: string[]) =>
      callHrApi({
        url: `${base.base}/v1/people/${encodeURIComponent(id)}`,
        method: 'POST',
        headers: { authorization, accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ fields, humanReadable: 'APPEND' }),
        timeoutMs: context.timeoutMs,
        remedies,
        system: 'HiBob',
      });
    return {
      ok: true,
      access: {
        webhookSecret: () => secret.value,
        async fetch(sourceId, fields) {
          const wanted = [...new Set(fields)];
          const result = await read(sourceId, wanted);
          if (result.kind !== 'found' || !wanted.includes('work.reportsTo')) return result;
          return withManagerNumber(result.record, read);
        },
      },
    };
  },
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

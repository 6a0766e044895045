import * as z from 'zod';
import { apiBase, apiBaseUrlSchema, MIN_WEBHOOK_SECRET_LENGTH, readSecret, settingNameSchema } from './config-fields';
import { basicAuthorization, callHrApi } from './http';
import type { ChangeKind, ConnectorChange, FetchResult, HrConnector, ParsedNotice, SourceRecord, Verification, WebhookRequest } from './port';
import { changeKey, hmac, readTimestamp, sameMac } from './signature';

/**
 * BambooHR (docs/connectors.md cites each page).
 * - Webhooks: event-based `{ type: employee.created|updated|deleted, timestamp, data: { companyId,
 *   employeeId, changedFields } }` (documentation.bamboohr.com/docs/event-based-webhooks), and the
 *   older field-based `{ employees: [{ id, action, timestamp, changedFields, fields }] }`
 *   (…/docs/field-based-webhooks); JSON only — the form-post encoding is refused.
 * - Signature: `X-BambooHR-Signature`, hex HMAC-SHA256 under the webhook's private key of the raw
 *   body followed by `X-BambooHR-Timestamp` (…/docs/webhooks-2, "Security").
 * - Fetch: `GET https://api.bamboohr.com/api/gateway.php/{companyDomain}/v1/employees/{id}/?fields=…`,
 *   HTTP Basic with the API key as user name and any password (…/docs/getting-started,
 *   …/reference/get-employee); JSON only when asked for (`Accept`), else XML.
 */

export const bambooHrConfigSchema = z
  .object({
    /** `mycompany` for https://mycompany.bamboohr.com. */
    companyDomain: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/, 'must be the company subdomain (letters, digits and dashes)'),
    /** The app setting holding the webhook's private key (BambooHR shows it once, when the webhook is made). */
    webhookSecretSetting: settingNameSchema,
    /** The app setting holding the API key of the BambooHR user the connector reads as. */
    apiKeySetting: settingNameSchema,
    apiBaseUrl: apiBaseUrlSchema,
  })
  .strict();
export type BambooHrConfig = z.infer<typeof bambooHrConfigSchema>;

const PUBLIC_API = 'https://api.bamboohr.com';
const SIGNATURE = 'x-bamboohr-signature';
const TIMESTAMP = 'x-bamboohr-timestamp';
/** As for our own signed requests: a captured notice is refused five minutes after it was signed. */
const TOLERANCE_MS = 300_000;
/** The Get Employee endpoint's limit: "The maximum number of fields per request is 400." */
const MAX_FIELDS = 400;

const EVENT_KINDS: Readonly<Record<string, ChangeKind>> = { 'employee.created': 'created', 'employee.updated': 'updated', 'employee.deleted': 'deleted' };
const ACTION_KINDS: Readonly<Record<string, ChangeKind>> = { created: 'created', updated: 'updated', deleted: 'deleted' };

const employeeId = z.union([z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), z.number().int().nonnegative().transform(String)]);
const eventNotice = z.object({
  type: z.string().max(100),
  timestamp: z.string().max(64),
  data: z.object({ employeeId: employeeId.optional(), changedFields: z.array(z.string().max(200)).max(500).optional() }).passthrough(),
});
const fieldNotice = z.object({
  employees: z
    .array(z.object({ id: employeeId, action: z.string().max(20), timestamp: z.string().max(64), changedFields: z.array(z.string().max(200)).max(500).optional() }).passthrough())
    .min(1)
    .max(500),
});

export function verifyBambooHr(request: WebhookRequest, secret: string): Verification {
  const signature = request.header(SIGNATURE);
  const timestamp = request.header(TIMESTAMP);
  if (!signature || !timestamp) return { valid: false, reason: `${SIGNATURE} or ${TIMESTAMP} header missing` };
  if (!/^[0-9a-f]{64}$/i.test(signature.trim())) return { valid: false, reason: `${SIGNATURE} is not 64 hex digits` };
  const at = readTimestamp(timestamp);
  if (at === undefined) return { valid: false, reason: `${TIMESTAMP} is not a timestamp` };
  if (Math.abs(request.now.getTime() - at) > TOLERANCE_MS) return { valid: false, reason: `${TIMESTAMP} is more than ${TOLERANCE_MS / 1000} s from now (a replay, or the sender's clock)` };
  const expected = hmac('sha256', secret, request.raw, timestamp);
  return sameMac(expected, Buffer.from(signature.trim(), 'hex')) ? { valid: true } : { valid: false, reason: 'signature does not match the body (another private key, or the body changed after signing)' };
}

export function parseBambooHr(body: string): ParsedNotice {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: 'invalid', problem: '(body): is not JSON (set the webhook to post JSON, not form data)' };
  }
  const event = eventNotice.safeParse(json);
  if (event.success) return fromEventNotice(event.data);
  const fields = fieldNotice.safeParse(json);
  if (fields.success) return fromFieldNotice(fields.data);
  const issue = (event.error.issues[0] ?? fields.error.issues[0])!;
  return { kind: 'invalid', problem: `${issue.path.join('.') || '(body)'}: is not what a BambooHR webhook sends (${issue.message})` };
}

function fromEventNotice(notice: z.infer<typeof eventNotice>): ParsedNotice {
  const kind = EVENT_KINDS[notice.type];
  // company.* and events this connector does not act on are acknowledged and left alone.
  if (!kind) return { kind: 'changes', changes: [], ignored: 1 };
  if (notice.data.employeeId === undefined) return { kind: 'invalid', problem: 'data.employeeId: is required for employee events' };
  const at = readTimestamp(notice.timestamp);
  if (at === undefined) return { kind: 'invalid', problem: 'timestamp: is not an ISO 8601 time' };
  const changed = [...(notice.data.changedFields ?? [])].sort().join(',');
  const change: ConnectorChange = { key: changeKey('bamboohr', notice.type, notice.data.employeeId, notice.timestamp, changed), sourceId: notice.data.employeeId, kind, occurredAt: new Date(at).toISOString() };
  return { kind: 'changes', changes: [change], ignored: 0 };
}

function fromFieldNotice(notice: z.infer<typeof fieldNotice>): ParsedNotice {
  const changes: ConnectorChange[] = [];
  let ignored = 0;
  for (const [index, employee] of notice.employees.entries()) {
    const kind = ACTION_KINDS[employee.action.toLowerCase()];
    if (!kind) {
      ignored += 1;
      continue;
    }
    const at = readTimestamp(employee.timestamp);
    if (at === undefined) return { kind: 'invalid', problem: `employees.${index}.timestamp: is not an ISO 8601 time` };
    const changed = [...(employee.changedFields ?? [])].sort().join(',');
    changes.push({ key: changeKey('bamboohr', employee.action, employee.id, employee.timestamp, changed), sourceId: employee.id, kind, occurredAt: new Date(at).toISOString() });
  }
  return { kind: 'changes', changes, ignored };
}

/** BambooHR's empty date; a record saying it has no date must not read as a date. */
const NO_DATE = '0000-00-00';

/**
 * The record as the mapping reads it: an empty date is absent (not a value, and not a "clear"),
 * and a field the API user may not see (`_restrictedFields`) is absent rather than null, so a
 * permission gap never clears an attribute in Entra.
 */
export function normaliseBambooHrRecord(record: SourceRecord): SourceRecord {
  const restricted = new Set(Array.isArray(record._restrictedFields) ? record._restrictedFields.filter((f): f is string => typeof f === 'string') : []);
  const out: SourceRecord = {};
  for (const [name, value] of Object.entries(record)) {
    if (name === '_restrictedFields' || restricted.has(name) || value === NO_DATE) continue;
    out[name] = value;
  }
  return out;
}

export const bambooHrConnector: HrConnector<BambooHrConfig> = {
  name: 'bamboohr',
  displayName: 'BambooHR',
  configSchema: bambooHrConfigSchema,
  verify: verifyBambooHr,
  parse: (body) => parseBambooHr(body),
  requiredFields: [],
  fieldOf: (path) => (path.startsWith('webhook.') || path === 'id' ? undefined : path),
  goneRecord: (sourceId) => ({ id: sourceId }),
  resolve(config, context) {
    const secret = readSecret(context, 'webhookSecretSetting', config.webhookSecretSetting, MIN_WEBHOOK_SECRET_LENGTH);
    if (!secret.ok) return secret;
    const key = readSecret(context, 'apiKeySetting', config.apiKeySetting);
    if (!key.ok) return key;
    const base = apiBase(config.apiBaseUrl, PUBLIC_API, context);
    if (!base.ok) return base;
    const authorization = basicAuthorization(key.value, 'x');
    const remedies = {
      unauthorized: `Check that app setting ${config.apiKeySetting} holds a current BambooHR API key, then replay.`,
      forbidden: `Give the BambooHR user whose API key is in ${config.apiKeySetting} access to employees and the fields the mapping reads, then replay.`,
    };
    return {
      ok: true,
      access: {
        webhookSecret: () => secret.value,
        async fetch(sourceId, fields): Promise<FetchResult> {
          const wanted = [...new Set(fields)].slice(0, MAX_FIELDS);
          const url = `${base.base}/api/gateway.php/${encodeURIComponent(config.companyDomain)}/v1/employees/${encodeURIComponent(sourceId)}/?fields=${encodeURIComponent(wanted.join(','))}&onlyCurrent=true`;
          const result = await callHrApi({ url, method: 'GET', headers: { authorization, accept: 'application/json' }, timeoutMs: context.timeoutMs, remedies, system: 'BambooHR' });
          return result.kind === 'found' ? { kind: 'found', record: normaliseBambooHrRecord(result.record) } : result;
        },
      },
    };
  },
};

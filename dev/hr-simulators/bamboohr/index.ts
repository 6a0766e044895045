import { createHmac, timingSafeEqual } from 'node:crypto';
import { basicCredentials, deliver, FaultQueue, startHttps, type HrFaultRule, type ObservedHrRequest, type SimReply, type SimRequest, type WebhookDelivery } from '../https-server';

/**
 * A BambooHR company as its public API and webhooks behave, written from BambooHR's documentation
 * (docs/connectors.md gives the page for each behaviour, and what is inferred):
 * - `GET /api/gateway.php/{companyDomain}/v1/employees/{id}/?fields=…` — HTTP Basic with the API
 *   key as user name (any password); 401 without a valid key; 404 for an employee that does not
 *   exist; 400 beyond 400 fields; JSON only when `Accept` asks for it, XML otherwise; `id` always,
 *   other fields only when asked; an empty date is `0000-00-00`; `0` is the key owner's employee.
 * - Event-based webhooks: `{ type, timestamp, data: { companyId, employeeId, changedFields } }`,
 *   signed `X-BambooHR-Signature` = hex HMAC-SHA256(private key, body + X-BambooHR-Timestamp).
 *   A new employee fires `employee.created` then `employee.updated` ("create-then-initialize").
 */

export type BambooHrFields = Record<string, string | null>;

export interface BambooHrSimulatorOptions {
  tls: { cert: string; key: string };
  /** 0 (default): a free port. */
  port?: number;
  companyDomain: string;
  companyId?: string;
  apiKey: string;
  /** Where this company's webhook posts, and its private key. */
  webhook?: { url: string; privateKey: string };
}

export interface RunningBambooHrSimulator {
  url: string;
  /** Employees by BambooHR employee ID; tests may read them. */
  employees: ReadonlyMap<string, BambooHrFields>;
  requests: ObservedHrRequest[];
  /** An employee that exists without any webhook (hired before the connector was set up). */
  seed(fields: BambooHrFields): string;
  /** A new employee: `employee.created`, then `employee.updated`, as BambooHR sends them. */
  hire(fields: BambooHrFields): Promise<{ id: string; deliveries: WebhookDelivery[] }>;
  update(id: string, fields: BambooHrFields): Promise<WebhookDelivery>;
  /** Terminated: status Inactive, a termination date, employment status Terminated; `employee.updated`. */
  terminate(id: string, terminationDate: string): Promise<WebhookDelivery>;
  /** Deleted from BambooHR (the API answers 404 from now on); `employee.deleted`. */
  remove(id: string): Promise<WebhookDelivery>;
  /** Only the API side of a change: the record changes, no webhook is sent. */
  change(id: string, fields: BambooHrFields): void;
  /** Gone from the API without a notice (deleted between a change and its fetch). */
  discard(id: string): void;
  /** A delivery of one event as BambooHR signs it; `signedAt` and `privateKey` let a test send a stale or forged one. */
  emit(type: 'employee.created' | 'employee.updated' | 'employee.deleted', id: string, options?: { changedFields?: string[]; signedAt?: Date; privateKey?: string }): Promise<WebhookDelivery>;
  /** The same body again, freshly signed: BambooHR's retry after a failed delivery. */
  redeliver(delivery: WebhookDelivery): Promise<WebhookDelivery>;
  setFaults(rules: HrFaultRule[]): void;
  /** The API key BambooHR accepts from now on (the old one revoked). */
  setApiKey(apiKey: string): void;
  /** Where webhooks go from now on (the app's URL is known only once it runs). */
  setWebhook(webhook: { url: string; privateKey: string }): void;
  close(): Promise<void>;
}

/** Date fields, which BambooHR gives as `0000-00-00` when empty. */
const DATE_FIELDS = new Set(['hireDate', 'originalHireDate', 'terminationDate', 'dateOfBirth']);
/** Fields this simulator knows (a subset of …/docs/list-of-field-names); others asked for are left out. */
const KNOWN_FIELDS = new Set([
  'firstName', 'lastName', 'preferredName', 'middleName', 'displayName', 'employeeNumber', 'jobTitle', 'department', 'division', 'location',
  'country', 'city', 'state', 'workEmail', 'mobilePhone', 'workPhone', 'status', 'employmentHistoryStatus', 'supervisor', 'supervisorEId',
  'supervisorId', 'hireDate', 'originalHireDate', 'terminationDate', 'dateOfBirth',
]);
const MAX_FIELDS = 400;

export async function startBambooHrSimulator(options: BambooHrSimulatorOptions): Promise<RunningBambooHrSimulator> {
  const employees = new Map<string, BambooHrFields>();
  const requests: ObservedHrRequest[] = [];
  const faults = new FaultQueue();
  let nextId = 100;
  const companyId = options.companyId ?? '12345';
  let webhook = options.webhook;
  let apiKey = options.apiKey;

  const authorized = (req: SimRequest): boolean => {
    const credentials = basicCredentials(req.headers.authorization);
    if (!credentials) return false;
    const given = Buffer.from(credentials.user);
    const expected = Buffer.from(apiKey);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  function handle(req: SimRequest): SimReply {
    const ok = authorized(req);
    requests.push({ method: req.method, path: req.path, query: req.query.toString(), authorized: ok, ...(req.headers.accept ? { accept: String(req.headers.accept) } : {}) });
    const match = /^\/api\/gateway\.php\/([^/]+)\/v1\/employees\/([^/]+)\/?$/.exec(req.path);
    if (!match || req.method !== 'GET') return error(404, 'Not found');
    if (!ok) return { status: 401, headers: { 'www-authenticate': 'Basic realm="api"', 'x-bamboohr-error-message': 'Invalid API key' }, body: '' };
    if (decodeURIComponent(match[1] as string) !== options.companyDomain) return error(404, 'Company not found');
    const fault = faults.take();
    if (fault) return { status: fault.status, headers: fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {}, body: '' };
    const requested = decodeURIComponent(match[2] as string);
    const id = requested === '0' ? [...employees.keys()][0] : requested;
    const employee = id === undefined ? undefined : employees.get(id);
    if (!employee || id === undefined) return error(404, 'Employee not found');
    const fields = (req.query.get('fields') ?? 'firstName,lastName').split(',').map((f) => f.trim()).filter(Boolean);
    if (fields.length > MAX_FIELDS) return error(400, `At most ${MAX_FIELDS} fields may be requested`);
    const record: Record<string, string | null> = { id };
    for (const field of fields) {
      if (!KNOWN_FIELDS.has(field)) continue;
      record[field] = valueOf(employee, field);
    }
    const accept = String(req.headers.accept ?? '');
    if (/application\/json/i.test(accept)) return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(record) };
    return { status: 200, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: toXml(record) };
  }

  const server = await startHttps(options.tls, options.port ?? 0, handle);

  async function send(body: string, signedAt = new Date(), privateKey = webhook?.privateKey): Promise<WebhookDelivery> {
    if (!webhook || !privateKey) throw new Error('this simulator has no webhook configured');
    const timestamp = String(Math.floor(signedAt.getTime() / 1000));
    const signature = createHmac('sha256', privateKey).update(body).update(timestamp).digest('hex');
    return deliver(webhook.url, body, { 'content-type': 'application/json', 'x-bamboohr-timestamp': timestamp, 'x-bamboohr-signature': signature });
  }

  async function emit(type: 'employee.created' | 'employee.updated' | 'employee.deleted', id: string, emitOptions: { changedFields?: string[]; signedAt?: Date; privateKey?: string } = {}): Promise<WebhookDelivery> {
    const data = { companyId, employeeId: id, ...(type === 'employee.updated' ? { changedFields: emitOptions.changedFields ?? [] } : {}) };
    const body = JSON.stringify({ type, timestamp: bambooTimestamp(new Date()), data });
    return send(body, emitOptions.signedAt, emitOptions.privateKey);
  }

  return {
    url: server.url,
    employees,
    requests,
    seed(fields) {
      const id = String(nextId++);
      employees.set(id, { status: 'Active', ...fields });
      return id;
    },
    async hire(fields) {
      const id = String(nextId++);
      employees.set(id, { status: 'Active', ...fields });
      const created = await emit('employee.created', id);
      const updated = await emit('employee.updated', id, { changedFields: Object.keys(fields) });
      return { id, deliveries: [created, updated] };
    },
    async update(id, fields) {
      change(id, fields);
      return emit('employee.updated', id, { changedFields: Object.keys(fields) });
    },
    async terminate(id, terminationDate) {
      change(id, { status: 'Inactive', terminationDate, employmentHistoryStatus: 'Terminated' });
      return emit('employee.updated', id, { changedFields: ['status', 'terminationDate', 'employmentHistoryStatus'] });
    },
    async remove(id) {
      employees.delete(id);
      return emit('employee.deleted', id);
    },
    change,
    discard: (id) => {
      employees.delete(id);
    },
    emit,
    redeliver: (delivery) => send(delivery.body),
    setFaults: (rules) => faults.set(rules),
    setApiKey: (next) => {
      apiKey = next;
    },
    setWebhook: (next) => {
      webhook = next;
    },
    close: () => server.close(),
  };

  function change(id: string, fields: BambooHrFields): void {
    const employee = employees.get(id);
    if (!employee) throw new Error(`no employee ${id}`);
    employees.set(id, { ...employee, ...fields });
  }
}

function valueOf(employee: BambooHrFields, field: string): string | null {
  if (field === 'displayName' && employee.displayName === undefined) {
    const name = [employee.preferredName ?? employee.firstName, employee.lastName].filter(Boolean).join(' ');
    return name || null;
  }
  const value = employee[field];
  if (value === undefined || value === null || value === '') return DATE_FIELDS.has(field) ? '0000-00-00' : null;
  return value;
}

/** `2026-01-31T18:42:00+0000`, the form BambooHR's payloads use. */
function bambooTimestamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, '+0000');
}

function error(status: number, message: string): SimReply {
  return { status, headers: { 'x-bamboohr-error-message': message }, body: '' };
}

function toXml(record: Record<string, string | null>): string {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const fields = Object.entries(record)
    .filter(([name]) => name !== 'id')
    .map(([name, value]) => `<field id="${escape(name)}">${value === null ? '' : escape(value)}</field>`)
    .join('');
  return `<?xml version="1.0"?><employee id="${escape(String(record.id))}">${fields}</employee>`;
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { basicCredentials, deliver, FaultQueue, startHttps, type HrFaultRule, type ObservedHrRequest, type SimReply, type SimRequest, type WebhookDelivery } from '../https-server';

/**
 * A Bob (HiBob) company as its public API and webhooks v2 behave, written from HiBob's
 * documentation (docs/connectors.md gives the page for each behaviour, and what is inferred):
 * - `POST /v1/people/{identifier}` with `{ fields, humanReadable }` — Basic authentication with a
 *   service user's ID and token; the employee by backend id or email; fields it does not know are
 *   silently left out; list fields (department, title, site, country) are list item ids, their
 *   names under `humanReadable` with `APPEND` (or in place with `REPLACE`); 404 when there is no
 *   such employee; JSON errors `{ key, error }`.
 * - Webhooks v2: `{ companyId, type, triggeredBy, triggeredAt, version: "v2", data: { employeeId } }`
 *   signed `Bob-Signature` = base64 HMAC-SHA512(secret, body); "Ping test" when set up;
 *   `employee.left` on a termination, `employee.deleted` (with the work email) on a deletion.
 */

export interface HiBobEmployee {
  id: string;
  firstName: string;
  surname: string;
  email: string;
  displayName?: string;
  work: { department?: string; title?: string; site?: string; startDate?: string; employeeIdInCompany?: number; reportsTo?: string };
  address: { country?: string };
  internal: { status: 'Active' | 'Inactive'; lifecycleStatus: string; terminationDate?: string };
}

export type HiBobEmployeeSeed = Omit<HiBobEmployee, 'id' | 'work' | 'address' | 'internal'> & {
  work?: HiBobEmployee['work'];
  address?: HiBobEmployee['address'];
  internal?: Partial<HiBobEmployee['internal']>;
};

export interface HiBobSimulatorOptions {
  tls: { cert: string; key: string };
  port?: number;
  serviceUserId: string;
  serviceUserToken: string;
  companyId?: number;
  webhook?: { url: string; secret: string };
}

export interface RunningHiBobSimulator {
  url: string;
  employees: ReadonlyMap<string, HiBobEmployee>;
  requests: ObservedHrRequest[];
  seed(employee: HiBobEmployeeSeed): string;
  hire(employee: HiBobEmployeeSeed): Promise<{ id: string; delivery: WebhookDelivery }>;
  update(id: string, change: { work?: Partial<HiBobEmployee['work']>; address?: Partial<HiBobEmployee['address']> }): Promise<WebhookDelivery>;
  /** Terminated as of `terminationDate`: lifecycle terminated, status Inactive; `employee.left`. */
  terminate(id: string, terminationDate: string): Promise<WebhookDelivery>;
  remove(id: string): Promise<WebhookDelivery>;
  /** The set-up test call Bob makes to a new webhook. */
  ping(): Promise<WebhookDelivery>;
  emit(type: string, id: string, options?: { secret?: string }): Promise<WebhookDelivery>;
  redeliver(delivery: WebhookDelivery): Promise<WebhookDelivery>;
  setFaults(rules: HrFaultRule[]): void;
  /** Where webhooks go from now on (the app's URL is known only once it runs). */
  setWebhook(webhook: { url: string; secret: string }): void;
  close(): Promise<void>;
}

/** Fields this simulator knows, by Bob's field id. */
const FIELDS: Readonly<Record<string, { path: [string, string] | [string]; list?: boolean }>> = {
  'root.id': { path: ['id'] },
  'root.firstName': { path: ['firstName'] },
  'root.surname': { path: ['surname'] },
  'root.email': { path: ['email'] },
  'root.displayName': { path: ['displayName'] },
  'work.department': { path: ['work', 'department'], list: true },
  'work.title': { path: ['work', 'title'], list: true },
  'work.site': { path: ['work', 'site'], list: true },
  'work.startDate': { path: ['work', 'startDate'] },
  'work.employeeIdInCompany': { path: ['work', 'employeeIdInCompany'] },
  'work.reportsTo': { path: ['work', 'reportsTo'] },
  'address.country': { path: ['address', 'country'], list: true },
  'internal.status': { path: ['internal', 'status'] },
  'internal.lifecycleStatus': { path: ['internal', 'lifecycleStatus'] },
  'internal.terminationDate': { path: ['internal', 'terminationDate'] },
};
const BASIC_FIELDS = ['root.id', 'root.firstName', 'root.surname', 'root.email', 'root.displayName'];

export async function startHiBobSimulator(options: HiBobSimulatorOptions): Promise<RunningHiBobSimulator> {
  const employees = new Map<string, HiBobEmployee>();
  const requests: ObservedHrRequest[] = [];
  const faults = new FaultQueue();
  const listItems = new Map<string, string>();
  let next = 1;
  let hired = 0;
  const companyId = options.companyId ?? 637323;
  let webhook = options.webhook;
  const itemId = (list: string, name: string) => {
    const key = `${list}|${name}`;
    if (!listItems.has(key)) listItems.set(key, String(200_000_000 + listItems.size));
    return listItems.get(key) as string;
  };

  const authorized = (req: SimRequest): boolean => {
    const credentials = basicCredentials(req.headers.authorization);
    if (!credentials || credentials.user !== options.serviceUserId) return false;
    const given = Buffer.from(credentials.password);
    const expected = Buffer.from(options.serviceUserToken);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  function handle(req: SimRequest): SimReply {
    const ok = authorized(req);
    const body = req.body.toString('utf8');
    requests.push({ method: req.method, path: req.path, query: req.query.toString(), authorized: ok, ...(req.headers.accept ? { accept: String(req.headers.accept) } : {}), body });
    const match = /^\/v1\/people\/([^/]+)$/.exec(req.path);
    if (!match || req.method !== 'POST') return json(404, { key: 'NOT_FOUND', error: 'Not found' });
    if (!ok) return json(401, { key: 'UNAUTHORIZED', error: 'The request could not be authenticated' });
    const fault = faults.take();
    if (fault) return { status: fault.status, headers: { 'content-type': 'application/json', ...(fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {}) }, body: JSON.stringify({ error: 'simulated fault' }) };
    let request: { fields?: unknown; humanReadable?: unknown } = {};
    try {
      request = body ? (JSON.parse(body) as typeof request) : {};
    } catch {
      return json(400, { key: 'BAD_REQUEST', error: 'Malformed JSON' });
    }
    const identifier = decodeURIComponent(match[1] as string);
    const employee = employees.get(identifier) ?? [...employees.values()].find((e) => e.email.toLowerCase() === identifier.toLowerCase());
    if (!employee) return json(404, { key: 'EMPLOYEE_NOT_FOUND', error: 'Employee not found' });
    const fields = Array.isArray(request.fields) && request.fields.length > 0 ? request.fields.filter((f): f is string => typeof f === 'string') : BASIC_FIELDS;
    const mode = request.humanReadable === 'APPEND' || request.humanReadable === 'REPLACE' ? request.humanReadable : '';
    const machine = render(employee, fields, 'machine');
    if (mode === 'REPLACE') return json(200, render(employee, fields, 'human'));
    return json(200, mode === 'APPEND' ? { ...machine, humanReadable: render(employee, fields, 'human') } : machine);
  }

  function render(employee: HiBobEmployee, fields: readonly string[], as: 'machine' | 'human'): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const id of fields) {
      const field = FIELDS[id];
      if (!field) continue;
      const [category, name] = field.path;
      const raw = name === undefined ? (employee as unknown as Record<string, unknown>)[category] : ((employee as unknown as Record<string, Record<string, unknown>>)[category] ?? {})[name];
      let value: unknown = raw ?? null;
      if (id === 'root.displayName') value = employee.displayName ?? `${employee.firstName} ${employee.surname}`;
      if (id === 'work.reportsTo') value = reportsTo(raw as string | undefined, as);
      else if (field.list && typeof raw === 'string' && as === 'machine') value = itemId(id, raw);
      else if (as === 'human' && typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw)) value = raw.split('-').reverse().join('/');
      if (name === undefined) out[category] = value;
      else out[category] = { ...((out[category] as Record<string, unknown> | undefined) ?? {}), [name]: value };
    }
    return out;
  }

  function reportsTo(managerId: string | undefined, as: 'machine' | 'human'): unknown {
    const manager = managerId ? employees.get(managerId) : undefined;
    if (!manager) return null;
    const displayName = manager.displayName ?? `${manager.firstName} ${manager.surname}`;
    return as === 'human' ? displayName : { id: manager.id, email: manager.email, firstName: manager.firstName, surname: manager.surname, displayName };
  }

  const server = await startHttps(options.tls, options.port ?? 0, handle);

  async function send(body: string, secret = webhook?.secret): Promise<WebhookDelivery> {
    if (!webhook || !secret) throw new Error('this simulator has no webhook configured');
    const signature = createHmac('sha512', secret).update(body).digest('base64');
    return deliver(webhook.url, body, { 'content-type': 'application/json', 'bob-signature': signature });
  }

  async function emit(type: string, id: string, emitOptions: { secret?: string; data?: Record<string, unknown> } = {}): Promise<WebhookDelivery> {
    // Bob's triggeredAt: UTC to the microsecond, without an offset.
    const triggeredAt = `${new Date().toISOString().slice(0, -1)}${String(next++ % 1000).padStart(3, '0')}`;
    const body = JSON.stringify({ companyId, type, triggeredBy: '3332883804594373380', triggeredAt, version: 'v2', data: { employeeId: id, ...emitOptions.data } });
    return send(body, emitOptions.secret);
  }

  function add(seed: HiBobEmployeeSeed): string {
    const id = `3332883${String(++hired).padStart(12, '0')}`;
    employees.set(id, { ...seed, id, work: { ...seed.work }, address: { ...seed.address }, internal: { status: 'Active', lifecycleStatus: 'employed', ...seed.internal } });
    return id;
  }

  function get(id: string): HiBobEmployee {
    const employee = employees.get(id);
    if (!employee) throw new Error(`no employee ${id}`);
    return employee;
  }

  return {
    url: server.url,
    employees,
    requests,
    seed: add,
    async hire(seed) {
      const id = add(seed);
      return { id, delivery: await emit('employee.created', id) };
    },
    async update(id, change) {
      const employee = get(id);
      employees.set(id, { ...employee, work: { ...employee.work, ...change.work }, address: { ...employee.address, ...change.address } });
      const fieldUpdates = [...Object.keys(change.work ?? {}).map((f) => `work.${f}`), ...Object.keys(change.address ?? {}).map((f) => `address.${f}`)].map((fieldId) => ({ fieldId }));
      return emit('employee.updated', id, { data: { fieldUpdates } });
    },
    async terminate(id, terminationDate) {
      const employee = get(id);
      employees.set(id, { ...employee, internal: { status: 'Inactive', lifecycleStatus: 'terminated', terminationDate } });
      return emit('employee.left', id);
    },
    async remove(id) {
      const { email } = get(id);
      employees.delete(id);
      return emit('employee.deleted', id, { data: { email } });
    },
    ping: () => deliver(webhook?.url ?? '', 'Ping test', { 'content-type': 'text/plain' }),
    emit: (type, id, emitOptions) => emit(type, id, emitOptions),
    redeliver: (delivery) => send(delivery.body),
    setFaults: (rules) => faults.set(rules),
    setWebhook: (next) => {
      webhook = next;
    },
    close: () => server.close(),
  };
}

function json(status: number, body: unknown): SimReply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import * as z from 'zod';
import { eventIndexFor } from '../shared/console/event-index';
import { dayRange, MAX_DAYS, tenantKeySchema } from '../shared/console/events-view';
import { consoleLicences } from '../shared/console/licence-trend';
import { consoleRoute, invalid, queryOf } from '../shared/console/route';
import { serviceLevels } from '../shared/console/service-levels';
import { tenantsView } from '../shared/console/tenants-view';
import type { Settings } from '../shared/config/settings';
import { TableWriteShareStore } from '../shared/graph/table-write-share';
import { HOME_TENANT } from '../shared/domain/events';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { services } from '../shared/runtime/services';

const shareTables = new WeakMap<Settings, TableWriteShareStore>();

/** The deployment's write-share table, read-only here, when the instances divide budgets through it. */
function sharesOf(settings: Settings): TableWriteShareStore | undefined {
  if (settings.GRAPH_WRITE_SHARE !== 'table') return undefined;
  let store = shareTables.get(settings);
  if (!store) shareTables.set(settings, (store = TableWriteShareStore.fromSettings(settings)));
  return store;
}

/** `GET /api/console/tenants`: each tenant's state, problems, Graph budget in use, throttling, dead letters, last audit. */
async function tenants(): Promise<HttpResponseInit> {
  const { tenants: registry, tenantRuntimes, deadLetters, reportStore, settings } = services();
  const shares = sharesOf(settings);
  const view = await tenantsView({
    states: await registry.list(),
    activity: tenantRuntimes.activity(),
    deadLetters,
    queues: [settings.PROCESSING_QUEUE_NAME, settings.TICKET_QUEUE_NAME],
    reports: reportStore,
    ...(shares ? { shares } : {}),
    ...(registry.sourceError ? { sourceError: registry.sourceError } : {}),
  });
  return { status: 200, jsonBody: view };
}

const tenantQuery = z.object({ tenant: tenantKeySchema.default(HOME_TENANT) }).strict();

/**
 * `GET /api/console/licences?tenant=`: the tenant's latest licence audit report, as
 * `licence-audit/report.json` serves it, with `trend`: its newest audits, dated, oldest first.
 */
async function licences(request: HttpRequest): Promise<HttpResponseInit> {
  const query = tenantQuery.safeParse(queryOf(request));
  if (!query.success) return invalid(query.error.issues);
  const { tenants: registry, reportStore } = services();
  if (!(await registry.lookup(query.data.tenant))) return { status: 404, jsonBody: { error: `no tenant '${query.data.tenant}' is configured` } };
  const body = await consoleLicences(reportStore.forTenant(query.data.tenant));
  if (!body) return { status: 404, jsonBody: { error: `no licence audit of '${query.data.tenant}' has run yet` } };
  return { status: 200, jsonBody: body };
}

const levelsQuery = z.object({ tenant: tenantKeySchema.optional(), days: z.coerce.number().int().min(1).max(MAX_DAYS).default(14) }).strict();

/** `GET /api/console/service-levels?tenant=&days=`: time-to-productive and time-to-deprovisioned, p50/p95 per day and tenant, seconds. */
async function levels(request: HttpRequest): Promise<HttpResponseInit> {
  const query = levelsQuery.safeParse(queryOf(request));
  if (!query.success) return invalid(query.error.issues);
  const now = new Date();
  const range = dayRange({ from: new Date(now.getTime() - (query.data.days - 1) * 86_400_000).toISOString().slice(0, 10) }, now);
  if ('error' in range) return invalid([{ path: ['days'], message: range.error }]);
  return { status: 200, jsonBody: { ...(await serviceLevels(eventIndexFor(services().settings), range, query.data.tenant)), unit: 'seconds' } };
}

export const consoleTenantsFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'console-tenants',
  route: 'console/tenants',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: consoleRoute('Reader', tenants),
};

export const consoleLicencesFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'console-licences',
  route: 'console/licences',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: consoleRoute('Reader', licences),
};

export const consoleServiceLevelsFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'console-service-levels',
  route: 'console/service-levels',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: consoleRoute('Reader', levels),
};

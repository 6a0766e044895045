import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { auditAllTenants, buildMspSummary } from '../shared/audit/msp-summary';
import { renderAuditHtml } from '../shared/audit/render-html';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { services } from '../shared/runtime/services';
import { HOME_TENANT } from '../shared/tenancy/tenant';
import type { TenantState } from '../shared/tenancy/tenant-registry';

/** The tenant a request names (`?tenant=`, default the home tenant), ready for an audit, or the refusal. */
async function readyTenant(request: HttpRequest): Promise<{ state: Extract<TenantState, { state: 'ready' }> } | { refusal: HttpResponseInit }> {
  const key = request.query.get('tenant') ?? HOME_TENANT;
  const state = await services().tenants.lookup(key);
  if (!state) return { refusal: { status: 404, jsonBody: { error: `no tenant '${key}' is configured` } } };
  if (state.state !== 'ready') return { refusal: { status: 409, jsonBody: { error: `tenant '${key}' is ${state.state}` } } };
  return { state };
}

/** `POST /api/licence-audit/run[?tenant=<key>]`: one tenant's audit now; answers with its summary. */
export async function runLicenceAuditNow(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const found = await readyTenant(request);
  if ('refusal' in found) return found.refusal;
  const { tenant } = found.state;
  const { tenantRuntimes, reportStore, telemetry } = services();
  const [outcome] = await auditAllTenants([found.state], { runtimes: tenantRuntimes, store: reportStore, telemetry, now: () => new Date() }, `${new URL(request.url).origin}/api/licence-audit/report`);
  if (!outcome?.ok) throw new Error(`licence audit of ${tenant.key} failed: ${outcome?.error ?? 'no result'}`);
  const { report, alerts, notification } = outcome;
  if (typeof notification === 'object') context.warn(`licence audit ${report.id} (${tenant.key}): the notice was not delivered (${notification.failed})`);
  return {
    status: 200,
    jsonBody: {
      tenant: tenant.key,
      id: report.id, generatedAt: report.generatedAt, durationMs: report.durationMs, usersScanned: report.usersScanned, signInActivity: report.signInActivity,
      wasteMonthlyCost: report.wasteMonthlyCost, lowStock: report.skus.filter((s) => s.lowStock).map((s) => s.skuPartNumber),
      waste: Object.fromEntries(report.waste.map((w) => [w.reason, w.userCount])), drift: Object.fromEntries(report.drift.map((d) => [d.kind, d.userCount])),
      alerts, notification, notes: report.notes, reportUrl: `${new URL(request.url).origin}/api/licence-audit/report?tenant=${encodeURIComponent(tenant.key)}`,
    },
  };
}

/**
 * `GET /api/licence-audit/report` (HTML), `…/report.json` (the latest report), `…/reports`
 * (history), each for `?tenant=` (default home); `…/summary`: licence cost and waste by customer.
 */
export async function licenceReport(request: HttpRequest): Promise<HttpResponseInit> {
  const { reportStore, tenants } = services();
  const view = request.params.view ?? 'report';
  if (view === 'summary') return { status: 200, jsonBody: await buildMspSummary(await tenants.list(), reportStore, new Date()) };
  const key = request.query.get('tenant') ?? HOME_TENANT;
  if (!(await tenants.lookup(key))) return { status: 404, jsonBody: { error: `no tenant '${key}' is configured` } };
  const store = reportStore.forTenant(key);
  if (view === 'reports') {
    return { status: 200, jsonBody: { tenant: key, reports: await store.list(100) } };
  }
  const history = await store.history(30);
  const latest = history[0];
  if (!latest) return { status: 404, jsonBody: { error: `no licence audit of '${key}' has run yet: POST /api/licence-audit/run?tenant=${key}` } };
  if (view === 'report.json') return { status: 200, jsonBody: latest };
  if (view === 'report') return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: renderAuditHtml(latest, history) };
  return { status: 404, jsonBody: { error: `no view ${view}` } };
}

export const licenceAuditRunFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'licence-audit-run',
  route: 'licence-audit/run',
  methods: ['POST'],
  authLevel: 'admin',
  handler: runLicenceAuditNow,
};

export const licenceReportFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'licence-report',
  route: 'licence-audit/{view}',
  methods: ['GET'],
  authLevel: 'admin',
  handler: licenceReport,
};

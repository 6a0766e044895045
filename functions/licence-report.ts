import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { runAuditJob } from '../shared/audit/audit-job';
import { renderAuditHtml } from '../shared/audit/render-html';
import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { services } from '../shared/runtime/services';

/** `POST /api/licence-audit/run`: the audit now; answers with its summary. */
export async function runLicenceAuditNow(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const { graph, policy, settings, reportStore, telemetry } = services();
  const reportUrl = `${new URL(request.url).origin}/api/licence-audit/report`;
  const { report, alerts, notification } = await runAuditJob({ graph, policy, settings, store: reportStore, telemetry, now: () => new Date() }, reportUrl);
  if (typeof notification === 'object') context.warn(`licence audit ${report.id}: the notice was not delivered (${notification.failed})`);
  return {
    status: 200,
    jsonBody: {
      id: report.id, generatedAt: report.generatedAt, durationMs: report.durationMs, usersScanned: report.usersScanned, signInActivity: report.signInActivity,
      wasteMonthlyCost: report.wasteMonthlyCost, lowStock: report.skus.filter((s) => s.lowStock).map((s) => s.skuPartNumber),
      waste: Object.fromEntries(report.waste.map((w) => [w.reason, w.userCount])), drift: Object.fromEntries(report.drift.map((d) => [d.kind, d.userCount])),
      alerts, notification, notes: report.notes, reportUrl,
    },
  };
}

/** `GET /api/licence-audit/report` (HTML), `…/report.json` (the latest report), `…/reports` (history). */
export async function licenceReport(request: HttpRequest): Promise<HttpResponseInit> {
  const store = services().reportStore;
  const view = request.params.view ?? 'report';
  if (view === 'reports') {
    return { status: 200, jsonBody: { reports: await store.list(100) } };
  }
  const history = await store.history(30);
  const latest = history[0];
  if (!latest) return { status: 404, jsonBody: { error: 'no licence audit has run yet: POST /api/licence-audit/run' } };
  if (view === 'report.json') return { status: 200, jsonBody: latest };
  if (view === 'report') return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: renderAuditHtml(latest, history) };
  return { status: 404, jsonBody: { error: `no view ${view}` } };
}

export const licenceAuditRunFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'licence-audit-run',
  route: 'licence-audit/run',
  methods: ['POST'],
  authLevel: 'function',
  handler: runLicenceAuditNow,
};

export const licenceReportFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'licence-report',
  route: 'licence-audit/{view}',
  methods: ['GET'],
  authLevel: 'function',
  handler: licenceReport,
};

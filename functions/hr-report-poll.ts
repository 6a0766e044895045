import type { HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import { HOME_TENANT } from '../shared/domain/events';
import type { HttpFunctionDeclaration, TimerFunctionDeclaration } from '../shared/hosting/function-declarations';
import { pollTenant, releaseHeld, type PollDeps, type PollOutcome } from '../shared/polling/poll-report';
import { reportStatus } from '../shared/polling/report-status';
import { BlobReportSnapshotStore } from '../shared/polling/report-store';
import { services } from '../shared/runtime/services';
import type { Settings } from '../shared/config/settings';
import { tenantRefusal } from './tenant-hr-events';

let store: { settings: Settings; store: BlobReportSnapshotStore } | undefined;

/** The poller's dependencies from the app's services; the snapshot store follows the settings (a restarted local host has new ones). */
function pollDeps(context: InvocationContext): PollDeps {
  const { settings, ledger, processingQueue, telemetry } = services();
  if (store?.settings !== settings) store = { settings, store: BlobReportSnapshotStore.fromSettings(settings) };
  return { store: store.store, ledger, processingQueue, telemetry, now: () => new Date(), log: (l) => context.log(l), warn: (l) => context.warn(l) };
}

/**
 * The scheduled poll (HR_REPORT_SCHEDULE, hourly by default) of every ready tenant with a report. A
 * tenant whose report cannot be fetched or read does not stop the others; the run is then thrown as
 * failed, naming them (reasons without values), so the host records it.
 */
export async function hrReportPoll(timer: Timer, context: InvocationContext): Promise<void> {
  const deps = pollDeps(context);
  const failed: string[] = [];
  for (const state of await services().tenants.list()) {
    if (state.state !== 'ready') continue;
    const outcome = await pollTenant(state.tenant, deps).catch((error: unknown): PollOutcome => ({ kind: 'failed', tenantId: state.key, stage: 'read', reason: error instanceof Error ? error.name : 'error' }));
    if (outcome.kind === 'failed') failed.push(`${outcome.tenantId} (${outcome.stage}: ${outcome.reason})`);
  }
  if (timer.isPastDue) context.log('HR report poll ran late (past due)');
  if (failed.length > 0) throw new Error(`HR report poll failed for ${failed.join('; ')}`);
}

/** `tenant` (default the home tenant), and `code` (a function key in the URL, which the host checks). */
function readTenant(url: string): { tenant: string } | { issues: { field: string; message: string }[] } {
  const query = new URL(url).searchParams;
  const issues = [...new Set(query.keys())].filter((k) => k !== 'tenant' && k !== 'code').map((k) => ({ field: `(query) ${k}`, message: 'is not a parameter of this route (tenant is)' }));
  const tenants = query.getAll('tenant');
  if (tenants.length > 1) issues.push({ field: '(query) tenant', message: 'must be given at most once' });
  return issues.length > 0 ? { issues } : { tenant: tenants[0] ?? HOME_TENANT };
}

async function withTenant(request: HttpRequest, context: InvocationContext, action: (tenant: Parameters<typeof pollTenant>[0]) => Promise<HttpResponseInit>): Promise<HttpResponseInit> {
  const query = readTenant(request.url);
  if ('issues' in query) return { status: 400, jsonBody: { error: 'The request was rejected.', issues: query.issues } };
  const state = await services().tenants.lookup(query.tenant);
  if (state?.state !== 'ready') return tenantRefusal(query.tenant, state, context);
  return action(state.tenant);
}

/** `POST /api/manage/hr-reports/run[?tenant=<key>]`: one tenant's poll now; answers with what it did. */
export async function hrReportRun(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return withTenant(request, context, async (tenant) => {
    const outcome = await pollTenant(tenant, pollDeps(context));
    switch (outcome.kind) {
      case 'not-configured':
        return { status: 404, jsonBody: { error: `tenant '${tenant.key}' has no HR report configured (HR_REPORT_URL, or hrReport in its file)` } };
      case 'failed':
        // The report server (or its configuration) failed, not this route: a gateway error; storage: unavailable.
        return { status: outcome.stage === 'save' ? 503 : 502, jsonBody: { ...outcome, error: `the HR report run stopped at ${outcome.stage}: ${outcome.reason}` } };
      default: {
        const { problems, ...rest } = outcome as Extract<PollOutcome, { kind: 'accepted' }>;
        return { status: 200, jsonBody: outcome.kind === 'accepted' ? { ...rest, problems: problems.slice(0, 100) } : outcome };
      }
    }
  });
}

/** `POST /api/manage/hr-reports/release[?tenant=<key>]`: the held report is accepted as it was held. */
export async function hrReportRelease(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return withTenant(request, context, async (tenant) => {
    const outcome = await releaseHeld(tenant, pollDeps(context));
    if (outcome.kind === 'nothing-held') return { status: 404, jsonBody: { error: `no HR report of '${tenant.key}' is held` } };
    if (outcome.kind === 'stale') return { status: 409, jsonBody: { error: outcome.reason } };
    return { status: 200, jsonBody: outcome };
  });
}

/** `GET /api/manage/hr-reports[?tenant=<key>]`: the last run, the held report (counts and the ids gone) and the kept snapshot's size. */
export async function hrReportStatus(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return withTenant(request, context, async (tenant) => ({ status: 200, jsonBody: await reportStatus(tenant, pollDeps(context).store) }));
}

export const hrReportPollFunction: TimerFunctionDeclaration = {
  kind: 'timer',
  name: 'hr-report-poll',
  schedule: '%HR_REPORT_SCHEDULE%',
  handler: hrReportPoll,
};

export const hrReportRunFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'hr-report-run',
  route: 'manage/hr-reports/run',
  methods: ['POST'],
  authLevel: 'admin',
  handler: hrReportRun,
};

export const hrReportReleaseFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'hr-report-release',
  route: 'manage/hr-reports/release',
  methods: ['POST'],
  authLevel: 'admin',
  handler: hrReportRelease,
};

export const hrReportStatusFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'hr-report-status',
  route: 'manage/hr-reports',
  methods: ['GET'],
  authLevel: 'admin',
  handler: hrReportStatus,
};

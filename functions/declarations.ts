import type { FunctionDeclaration } from '../shared/hosting/function-declarations';
import { customStepCallbackFunction } from './callbacks';
import { consoleApprovalDecisionFunction, consoleApprovalsFunction } from './console-approvals';
import { consoleEventsFunction, consoleMeFunction, consoleWorkerFunction } from './console-events';
import { consoleIndexBackfillFunction } from './console-index';
import { consoleReleaseFunction, consoleReplayFunction, consoleStuckFunction } from './console-stuck';
import { consoleLicencesFunction, consoleServiceLevelsFunction, consoleTenantsFunction } from './console-tenants';
import { consoleAssetFunction, consolePageFunction } from './console-page';
import { deadLettersListFunction, deadLettersReplayFunction } from './dead-letters';
import { eventStatusFunction } from './event-status';
import { hrEventStatusFunction, tenantHrEventStatusFunction } from './hr-event-status';
import { hrConnectorFunctions } from './hr-connectors';
import { hrEventsFunction } from './hr-events';
import { hrReportPollFunction, hrReportReleaseFunction, hrReportRunFunction, hrReportStatusFunction } from './hr-report-poll';
import { licenceAuditFunction } from './licence-audit';
import { licenceAuditRunFunction, licenceReportFunction } from './licence-report';
import { processEventFunction } from './process-event';
import { scimFunction, tenantScimFunction } from './scim';
import { tenantHrEventsFunction } from './tenant-hr-events';
import { tenantsListFunction, tenantsReloadFunction } from './tenants';
import { ticketRequestsFunction } from './ticket-requests';
import { undoLeaverFunction } from './undo-leaver';

/** Every function of the app: registered with Azure by `index.ts`, served locally by dev/local-host. */
export const functionDeclarations: readonly FunctionDeclaration[] = [
  hrEventsFunction,
  tenantHrEventsFunction,
  eventStatusFunction,
  hrEventStatusFunction,
  tenantHrEventStatusFunction,
  processEventFunction,
  ticketRequestsFunction,
  deadLettersListFunction,
  deadLettersReplayFunction,
  licenceAuditFunction,
  licenceAuditRunFunction,
  licenceReportFunction,
  tenantsListFunction,
  tenantsReloadFunction,
  customStepCallbackFunction,
  undoLeaverFunction,
  ...hrConnectorFunctions,
  scimFunction, tenantScimFunction,
  hrReportPollFunction, hrReportRunFunction, hrReportReleaseFunction, hrReportStatusFunction,
  consoleApprovalsFunction, consoleApprovalDecisionFunction,
  consoleMeFunction, consoleEventsFunction, consoleWorkerFunction, consoleIndexBackfillFunction,
  consoleStuckFunction, consoleReplayFunction, consoleReleaseFunction,
  consoleTenantsFunction, consoleLicencesFunction, consoleServiceLevelsFunction,
  consolePageFunction, consoleAssetFunction,
];

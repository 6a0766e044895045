import type { FunctionDeclaration } from '../shared/hosting/function-declarations';
import { deadLettersListFunction, deadLettersReplayFunction } from './dead-letters';
import { eventStatusFunction } from './event-status';
import { hrEventsFunction } from './hr-events';
import { licenceAuditFunction } from './licence-audit';
import { licenceAuditRunFunction, licenceReportFunction } from './licence-report';
import { processEventFunction } from './process-event';
import { ticketRequestsFunction } from './ticket-requests';

/** Every function of the app: registered with Azure by `index.ts`, served locally by dev/local-host. */
export const functionDeclarations: readonly FunctionDeclaration[] = [
  hrEventsFunction,
  eventStatusFunction,
  processEventFunction,
  ticketRequestsFunction,
  deadLettersListFunction,
  deadLettersReplayFunction,
  licenceAuditFunction,
  licenceAuditRunFunction,
  licenceReportFunction,
];

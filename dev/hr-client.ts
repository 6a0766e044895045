import { SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from '../shared/security/hmac-signature';

export interface HrPostOptions {
  secret: string;
  contentType?: string;
  /** e.g. `?dryRun=true` */
  query?: string;
  /** Unix seconds; default now (tests sign stale requests on purpose). */
  timestamp?: number;
  /** Sent as `x-functions-key` (the function key in Azure). */
  functionKey?: string;
  /** A customer tenant's key: posts to its own route, `/api/hr/tenants/{tenant}/events`. */
  tenant?: string;
}

/** `POST /api/hr/events` (or a customer tenant's route) signed the way an HR system must sign it. Dev tools, benches and tests share it. */
export function postHrEvents(baseUrl: string, body: string, options: HrPostOptions): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const route = options.tenant ? `hr/tenants/${encodeURIComponent(options.tenant)}/events` : 'hr/events';
  return fetch(`${baseUrl}/api/${route}${options.query ?? ''}`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signPayload(options.secret, timestamp, body),
      ...(options.functionKey ? { 'x-functions-key': options.functionKey } : {}),
    },
    body,
  });
}

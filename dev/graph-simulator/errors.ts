import { randomUUID } from 'node:crypto';
import type { SimResponse } from './types';

/** A Graph error; handlers throw it and the router turns it into Graph's error envelope. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'Request_BadRequest'): GraphError => new GraphError(400, code, message);

export const notFound = (id: string): GraphError =>
  new GraphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);

export function errorResponse(error: GraphError, clientRequestId?: string): SimResponse {
  const requestId = randomUUID();
  const date = new Date().toISOString().replace(/\.\d{3}Z$/, '');
  return {
    status: error.status,
    headers: { ...error.headers, 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId },
    body: {
      error: {
        code: error.code,
        message: error.message,
        innerError: { date, 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId },
      },
    },
  };
}

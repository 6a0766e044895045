import { GraphError } from '@microsoft/microsoft-graph-client';

/**
 * One classifier for every Graph failure. Steps never inspect status codes themselves: they ask
 * what kind of failure it is and act on that (retry, treat as done, or give up with a reason).
 */

export type GraphFailureKind =
  /** Worth retrying as is: throttling, 5xx, network faults, timeouts. */
  | 'transient'
  /** The object is not there (may be replication delay right after our own create). */
  | 'not-found'
  /**
   * An object the request references has not replicated yet (a member just created): Graph
   * says retry after a brief delay. Unlike `transient`, it concerns one reference, not the
   * request, so a write of several members is split to find which.
   */
  | 'replicating'
  /** The change is already in place ("added object references already exist"). */
  | 'already-done'
  /** Another object holds a unique value we asked for (UPN, mailNickname). */
  | 'conflict'
  /**
   * Exchange Online has no mailbox for the user (no Exchange licence, hosted on-premises, or not
   * provisioned yet): a mail call cannot succeed until that changes.
   */
  | 'no-mailbox'
  /** Retrying will not help until a person fixes data, permissions or configuration. */
  | 'permanent';

export interface GraphFailure {
  kind: GraphFailureKind;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** Graph's error code (e.g. `Request_ResourceNotFound`), or the network error's code. */
  code: string;
  message: string;
  requestId?: string;
  /** From `Retry-After` when Graph sent one. */
  retryAfterMs?: number;
}

const alreadyMember = /added object references already exist/i;
/** A removal of someone who is not a member (widely reported; Microsoft's Remove member page documents none). */
const alreadyRemoved = /removed object references do not exist/i;
const uniqueValueTaken = /another object with the same value for property/i;
/**
 * A user whose OneDrive cannot exist (no SharePoint licence): Graph answers `GET /users/{id}/drive`
 * with 400 "Unable to retrieve user's mysite URL." (public reports, e.g. alcionai/corso), where a
 * OneDrive not provisioned yet is the 404 Get drive documents. Both mean: there is no drive.
 */
const noOneDrive = /unable to retrieve user's mysite url/i;
/**
 * Exchange's 404 codes for "this user has no mailbox Graph can reach":
 * https://learn.microsoft.com/exchange/troubleshoot/user-and-shared-mailboxes/rest-api-is-not-yet-supported-for-this-mailbox-error
 * (MailboxNotEnabledForRESTAPI, MailboxNotSupportedForRESTAPI) and https://learn.microsoft.com/graph/known-issues
 * (ErrorNonExistentMailbox, "The SMTP address has no mailbox associated with it.").
 */
const noMailbox = new Set(['MailboxNotEnabledForRESTAPI', 'MailboxNotSupportedForRESTAPI', 'ErrorNonExistentMailbox']);
/**
 * Graph's 400 while an added member or the group has not replicated. The first wording is the one
 * documented (https://learn.microsoft.com/graph/api/group-post-members, /group-update: "The
 * source resource object or one of the objects being referenced don't exist.", beta pages "do
 * not"); the second is the "added object references" form of Graph's membership errors, not
 * seen in Microsoft's docs, accepted in case Graph answers with it.
 */
const notReplicated = /objects? being referenced (?:do not|don't) exist|added object references do not exist/i;

const transientNetworkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'AbortError', 'TimeoutError', 'TypeError']);

/** Status codes whose errors are about the request itself, so retrying as is cannot help. */
function kindForStatus(status: number, code: string, message: string): GraphFailureKind {
  if (status === 429 || status === 502 || status === 503 || status === 504 || status === 500) return 'transient';
  if (noMailbox.has(code)) return 'no-mailbox';
  if (status === 404) return 'not-found';
  if (status === 400 && (alreadyMember.test(message) || alreadyRemoved.test(message))) return 'already-done';
  if (status === 400 && notReplicated.test(message)) return 'replicating';
  if (status === 400 && noOneDrive.test(message)) return 'not-found';
  if ((status === 400 || status === 409) && uniqueValueTaken.test(message)) return 'conflict';
  if (status === 423 || status === 424) return 'transient';
  if (code === 'Request_ResourceNotFound') return 'not-found';
  return 'permanent';
}

/** `Retry-After` in milliseconds, in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get?.('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function classifyGraphError(error: unknown): GraphFailure {
  if (error instanceof GraphError || isGraphErrorLike(error)) {
    const e = error as GraphError;
    const status = e.statusCode > 0 ? e.statusCode : 0;
    const code = e.code ?? 'Unknown';
    const message = e.message || messageOfCause(e) || 'Graph request failed';
    if (status === 0) {
      return { kind: 'transient', status, code: networkCode(e) ?? code, message };
    }
    const failure: GraphFailure = { kind: kindForStatus(status, code, message), status, code, message };
    if (e.requestId) failure.requestId = e.requestId;
    const wait = retryAfterMs(e.headers);
    if (wait !== undefined) failure.retryAfterMs = wait;
    return failure;
  }
  const code = networkCode(error);
  if (code && transientNetworkCodes.has(code)) {
    return { kind: 'transient', status: 0, code, message: messageOfCause(error) ?? 'network error' };
  }
  return { kind: 'permanent', status: 0, code: code ?? 'Unexpected', message: error instanceof Error ? error.message : String(error) };
}

/** A Graph failure with its classification, thrown by our typed helpers. */
export class GraphRequestError extends Error {
  constructor(
    public readonly operation: string,
    public readonly failure: GraphFailure,
  ) {
    super(`${operation} failed: ${failure.status || 'network'} ${failure.code}: ${failure.message}`);
    this.name = 'GraphRequestError';
  }
}

/** Runs one Graph call and rethrows any failure as a classified `GraphRequestError`. */
export async function graphCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GraphRequestError) throw error;
    throw new GraphRequestError(operation, classifyGraphError(error));
  }
}

function isGraphErrorLike(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'statusCode' in error && typeof (error as { statusCode: unknown }).statusCode === 'number';
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const c = current as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof c.code === 'string' && /^[A-Z_]+$/.test(c.code)) return c.code;
    if (c.name === 'AbortError' || c.name === 'TimeoutError') return c.name;
    current = c.cause ?? (current as { baseError?: unknown }).baseError;
  }
  if (error instanceof TypeError) return 'TypeError';
  return undefined;
}

function messageOfCause(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'cause' in error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error) return cause.message;
  }
  return error instanceof Error ? error.message : undefined;
}

import { GraphError } from '@microsoft/microsoft-graph-client';
import { classifyGraphError, graphCall, GraphRequestError } from '../../shared/graph/errors';

function graphError(status: number, code: string, message: string, headers?: Record<string, string>): GraphError {
  const error = new GraphError(status, message);
  error.code = code;
  error.requestId = 'req-1';
  if (headers) error.headers = new Headers(headers);
  return error;
}

describe('classifyGraphError', () => {
  it.each([
    [429, 'TooManyRequests'],
    [503, 'ServiceUnavailable'],
    [504, 'GatewayTimeout'],
    [500, 'InternalServerError'],
  ])('when Graph answers %i, then the failure is transient', (status, code) => {
    expect(classifyGraphError(graphError(status, code, 'busy')).kind).toBe('transient');
  });

  it('when Graph sends Retry-After, then the wait is carried in milliseconds', () => {
    const failure = classifyGraphError(graphError(429, 'TooManyRequests', 'slow down', { 'Retry-After': '7' }));
    expect(failure).toMatchObject({ kind: 'transient', status: 429, retryAfterMs: 7000, requestId: 'req-1' });
  });

  it('when the object is not found, then the failure is not-found (the caller decides if that is replication delay)', () => {
    expect(classifyGraphError(graphError(404, 'Request_ResourceNotFound', "Resource 'x' does not exist")).kind).toBe('not-found');
  });

  it('when someone who is not a member is removed, then Graph\'s "removed object references do not exist" counts as already done', () => {
    const error = graphError(400, 'Request_BadRequest', "One or more removed object references do not exist for the following modified properties: 'members'.");
    expect(classifyGraphError(error).kind).toBe('already-done');
  });

  it('when a member is added twice, then Graph\'s "already exist" answer counts as already done', () => {
    const error = graphError(400, 'Request_BadRequest', "One or more added object references already exist for the following modified properties: 'members'.");
    expect(classifyGraphError(error).kind).toBe('already-done');
  });

  // https://learn.microsoft.com/graph/api/group-post-members and /group-update (replication note):
  // a member add may fail with this 400 until the objects have replicated; retry after a brief delay.
  it.each([
    "The source resource object or one of the objects being referenced don't exist.",
    'The source resource object or one of the objects being referenced do not exist.',
    "One or more added object references do not exist for the following modified properties: 'members'.",
  ])('when a member add meets replication delay ("%s"), then the failure is replicating — not permanent, not already done', (message) => {
    expect(classifyGraphError(graphError(400, 'Request_BadRequest', message))).toMatchObject({ kind: 'replicating', status: 400, code: 'Request_BadRequest', message });
  });

  it('when a 400 only resembles the replication answer, then it stays permanent', () => {
    expect(classifyGraphError(graphError(400, 'Request_BadRequest', "Property 'objects' does not exist on type 'microsoft.graph.group'.")).kind).toBe('permanent');
  });

  it('when a UPN is taken, then the failure is a conflict, not already-done', () => {
    const error = graphError(400, 'Request_BadRequest', 'Another object with the same value for property userPrincipalName already exists.');
    expect(classifyGraphError(error).kind).toBe('conflict');
  });

  it.each([
    [400, 'Request_BadRequest', "Property 'foo' does not exist"],
    [403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
  ])('when Graph answers %i %s, then the failure is permanent', (status, code, message) => {
    expect(classifyGraphError(graphError(status, code, message)).kind).toBe('permanent');
  });

  it('when the network fails before any response, then the failure is transient with the socket error code', () => {
    const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const failure = classifyGraphError(new TypeError('fetch failed', { cause }));
    expect(failure).toMatchObject({ kind: 'transient', status: 0, code: 'ECONNRESET' });
  });

  it('when a helper call fails, then graphCall names the operation and keeps the classification', async () => {
    const failing = graphCall('create user', () => Promise.reject(graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges')));
    await expect(failing).rejects.toBeInstanceOf(GraphRequestError);
    await expect(failing).rejects.toMatchObject({ operation: 'create user', failure: { kind: 'permanent', status: 403 } });
  });
});

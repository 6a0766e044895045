import { GraphRequestError, type GraphFailure } from '../../shared/graph/errors';
import { toStepFailure } from '../../shared/processing/failures';

const replicationAnswer: GraphFailure = {
  kind: 'replicating',
  status: 400,
  code: 'Request_BadRequest',
  message: "The source resource object or one of the objects being referenced don't exist.",
};

describe('toStepFailure', () => {
  it("when a group add meets Graph's replication answer, then the step is retried (not dead-lettered) and names Graph's message for RetriesExhausted", () => {
    const failure = toStepFailure('groups', new GraphRequestError('add group member', replicationAnswer));
    expect(failure).toMatchObject({ step: 'groups', retryable: true, code: 'Request_BadRequest', remedy: undefined });
    expect(failure.message).toBe("add group member: Graph 400 Request_BadRequest: The source resource object or one of the objects being referenced don't exist.");
  });

  it('when Graph refuses a request as bad for any other reason, then the step is not retried and says what to fix', () => {
    const failure = toStepFailure('groups', new GraphRequestError('add group member', { kind: 'permanent', status: 400, code: 'Request_BadRequest', message: 'Invalid object identifier' }));
    expect(failure.retryable).toBe(false);
    expect(failure.remedy).toContain('Correct the data');
  });
});

import { GraphError } from '@microsoft/microsoft-graph-client';
import { classifyGraphError } from '../../shared/graph/errors';

function graphError(status: number, code: string, message: string): GraphError {
  const error = new GraphError(status, message);
  error.code = code;
  return error;
}

describe('classifying the answers the hand-over steps meet', () => {
  it("when a user's OneDrive is not provisioned (404) or cannot be (400, no SharePoint licence), then both mean there is no drive", () => {
    expect(classifyGraphError(graphError(404, 'ResourceNotFound', "User's mysite not found.")).kind).toBe('not-found');
    expect(classifyGraphError(graphError(400, 'BadRequest', "Unable to retrieve user's mysite URL.")).kind).toBe('not-found');
  });

  it('when an owner is added twice, then Graph\'s 400 "already exist … \'owners\'" means done', () => {
    expect(classifyGraphError(graphError(400, 'Request_BadRequest', "One or more added object references already exist for the following modified properties: 'owners'.")).kind).toBe('already-done');
  });

  it('when another 400 comes back for a drive, then it stays permanent', () => {
    expect(classifyGraphError(graphError(400, 'invalidRequest', 'One or more users could not be resolved.')).kind).toBe('permanent');
  });
});

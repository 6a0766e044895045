import { estimateResourceUnits } from '../../shared/graph/resource-units';

/** Costs from https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits. */
describe('the resource units a request will cost', () => {
  const v1 = (path: string) => `https://graph.microsoft.com/v1.0${path}`;

  it('when a path is in the cost table, then it costs its base cost, and any other path costs 1', () => {
    expect(estimateResourceUnits('GET', v1('/users'))).toBe(2);
    expect(estimateResourceUnits('GET', v1('/groups/g/members'))).toBe(3);
    expect(estimateResourceUnits('GET', v1('/subscribedSkus'))).toBe(3);
    expect(estimateResourceUnits('GET', v1('/users/u/memberOf'))).toBe(2); // me/memberOf applies to users/{id}/memberOf
    expect(estimateResourceUnits('PATCH', v1('/users/u'))).toBe(1);
    expect(estimateResourceUnits('GET', v1('/users/u/manager'))).toBe(1);
  });

  it('when the query selects, expands or takes fewer than 20, then the cost moves by one each, never below 1', () => {
    expect(estimateResourceUnits('GET', v1('/users?$select=id'))).toBe(1);
    expect(estimateResourceUnits('GET', v1('/users?$expand=manager'))).toBe(3);
    expect(estimateResourceUnits('GET', v1('/groups/g/members?$select=id&$top=5'))).toBe(1);
    expect(estimateResourceUnits('GET', v1('/users/u/manager?$select=id'))).toBe(1);
  });

  it('when the request is a $batch, then it costs what its items cost, and an unreadable body costs 1', () => {
    const body = JSON.stringify({
      requests: [
        { id: '1', method: 'GET', url: '/users/u/memberOf?$top=999' },
        { id: '2', method: 'GET', url: 'users/u/manager?$select=id' },
        { id: '3', method: 'GET', url: '/subscribedSkus' },
      ],
    });
    expect(estimateResourceUnits('POST', v1('/$batch'), body)).toBe(6);
    expect(estimateResourceUnits('POST', v1('/$batch'), 'not json')).toBe(1);
  });
});

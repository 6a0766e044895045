import { compileRoute } from '../../dev/local-host/routes';

describe('local host routes', () => {
  it('when a route has a parameter, then the matching path yields its decoded value', () => {
    expect(compileRoute('events/{eventId}').match('/events/evt%3A1')).toEqual({ eventId: 'evt:1' });
  });

  it('when literals differ only in case, then they still match, as in the Functions host', () => {
    expect(compileRoute('hr/events').match('/HR/Events')).toEqual({});
  });

  it('when a path has more or fewer segments, then it does not match', () => {
    expect(compileRoute('events/{eventId}').match('/events')).toBeUndefined();
    expect(compileRoute('events/{eventId}').match('/events/a/b')).toBeUndefined();
  });

  it('when a parameter is optional or constrained, then the host rules apply', () => {
    expect(compileRoute('dead-letters/{id?}').match('/dead-letters')).toEqual({});
    expect(compileRoute('items/{n:int}').match('/items/12')).toEqual({ n: '12' });
    expect(compileRoute('items/{n:int}').match('/items/twelve')).toBeUndefined();
    expect(() => compileRoute('items/{n:weird}')).toThrow(/unsupported constraint/);
  });
});

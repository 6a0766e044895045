import { readFileSync } from 'node:fs';
import { loadSeed, startGraphSimulator, type RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, SAMPLE_SEED, startSimulator } from './harness';

const POLICY = '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass';
const tap = (userId: string): string => `/users/${userId}/authentication/temporaryAccessPassMethods`;

let sim: RunningGraphSimulator;
afterEach(() => sim?.close());

describe('Temporary Access Pass policy', () => {
  it('when nothing is seeded, then the policy is enabled with the widest bounds Graph allows', async () => {
    sim = await startSimulator();
    const policy = await graph(sim, 'GET', POLICY);
    expect(policy.status).toBe(200);
    expect(policy.body).toMatchObject({
      '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
      id: 'TemporaryAccessPass', state: 'enabled', defaultLifetimeInMinutes: 60, minimumLifetimeInMinutes: 10, maximumLifetimeInMinutes: 43_200, isUsableOnce: false, defaultLength: 8,
    });
    // Graph's own example addresses it as temporaryAccessPass; ids are matched case-insensitively.
    expect((await graph(sim, 'GET', POLICY.replace('TemporaryAccessPass', 'temporaryAccessPass'))).status).toBe(200);
    expect((await graph(sim, 'GET', POLICY.replace('TemporaryAccessPass', 'Fido2'))).status).toBe(404);
  });

  it('when the seed narrows the policy, then it is read back and a pass outside its bounds is refused with the bounds in the message', async () => {
    const base = loadSeed(SAMPLE_SEED);
    sim = await startGraphSimulator({
      port: 0,
      tls: { cert: readFileSync(process.env.DEV_TLS_CERT_FILE!, 'utf8'), key: readFileSync(process.env.DEV_TLS_KEY_FILE!, 'utf8') },
      seed: { ...base, policies: { temporaryAccessPass: { minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, defaultLifetimeInMinutes: 120 } } },
    });
    expect((await graph(sim, 'GET', POLICY)).body).toMatchObject({ minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, defaultLifetimeInMinutes: 120 });
    for (const lifetimeInMinutes of [59, 481, 43_200]) {
      const refused = await graph(sim, 'POST', tap(IDS.hedy), { lifetimeInMinutes, isUsableOnce: true });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'badRequest', message: 'Invalid LifetimeInMinutes specified. The valid range between 60 and 480.' });
    }
    expect((await graph(sim, 'GET', tap(IDS.hedy))).body.value).toEqual([]);
    expect((await graph(sim, 'POST', tap(IDS.hedy), { lifetimeInMinutes: 480 })).status).toBe(201);
    // Without a lifetime, the policy's default applies (create docs).
    expect((await graph(sim, 'POST', tap(IDS.katherine), {})).body).toMatchObject({ lifetimeInMinutes: 120 });
  });

  it('when the policy is disabled, then no pass can be created and nothing is stored', async () => {
    sim = await startSimulator();
    sim.setTemporaryAccessPassPolicy({ state: 'disabled' });
    expect((await graph(sim, 'GET', POLICY)).body.state).toBe('disabled');
    const refused = await graph(sim, 'POST', tap(IDS.hedy), { lifetimeInMinutes: 60, isUsableOnce: true });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/does not allow creating or updating this authentication method/);
    expect((await graph(sim, 'GET', tap(IDS.hedy))).body.value).toEqual([]);
  });

  it('when the policy forces one-time use, then a multi-use pass is refused and an unspecified one is one-time', async () => {
    sim = await startSimulator();
    sim.setTemporaryAccessPassPolicy({ isUsableOnce: true });
    expect((await graph(sim, 'POST', tap(IDS.hedy), { isUsableOnce: false })).status).toBe(400);
    expect((await graph(sim, 'POST', tap(IDS.hedy), {})).body).toMatchObject({ isUsableOnce: true });
  });

  it('when a policy update breaks its own rules, then the setter refuses it', async () => {
    sim = await startSimulator();
    expect(() => sim.setTemporaryAccessPassPolicy({ minimumLifetimeInMinutes: 600, maximumLifetimeInMinutes: 60 })).toThrow(/minimumLifetimeInMinutes/);
    expect(() => sim.setTemporaryAccessPassPolicy({ maximumLifetimeInMinutes: 50_000 })).toThrow(/maximumLifetimeInMinutes/);
  });

  it('when the app holds no policy-reading permission, then reading the policy is 403 Authorization_RequestDenied', async () => {
    sim = await startSimulator();
    sim.setAppRoles(['User.ReadWrite.All', 'UserAuthMethod-TAP.ReadWrite.All']);
    const denied = await graph(sim, 'GET', POLICY);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('Authorization_RequestDenied');
    sim.setAppRoles(['Policy.Read.AuthenticationMethod']);
    expect((await graph(sim, 'GET', POLICY)).status).toBe(200);
  });
});

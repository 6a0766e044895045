import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import type { Settings } from '../../shared/config/settings';
import { createGraphClient } from '../../shared/graph/client';
import { LocalSimulatorCredential } from '../../shared/graph/credential';
import { GraphRequestError } from '../../shared/graph/errors';
import { readOnly } from '../../shared/graph/read-only';
import { createUser, findUserByUpn, type NewUserBody } from '../../shared/graph/users';
import { newUser, startSimulator } from '../graph-simulator/harness';

describe('a dry run never reaches a write', () => {
  let sim: RunningGraphSimulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });
  const client = () => createGraphClient({ GRAPH_BASE_URL: sim.url } as Settings, { credential: new LocalSimulatorCredential(sim.url) });

  it('when a step forgets its mode and writes inside a dry run, then the write is refused before it leaves the process, and reads still work', async () => {
    const before = sim.stats().byRoute['POST /users'] ?? 0;
    const body = newUser({ userPrincipalName: 'dry.write@contoso.com', mailNickname: 'dry.write', employeeId: 'DRYW1' }) as unknown as NewUserBody;
    const attempt = readOnly('a dry run', () => createUser(client(), body));
    await expect(attempt).rejects.toBeInstanceOf(GraphRequestError);
    await expect(attempt).rejects.toThrow(/a dry run never writes/);
    expect(sim.stats().byRoute['POST /users'] ?? 0).toBe(before);
    expect(await readOnly('a dry run', () => findUserByUpn(client(), 'breakglass@contoso.com'))).toMatchObject({ userPrincipalName: 'breakglass@contoso.com' });
  });

  it('when the same write is made outside a dry run, then it goes to Graph', async () => {
    const body = newUser({ userPrincipalName: 'real.write@contoso.com', mailNickname: 'real.write', employeeId: 'DRYW2' }) as unknown as NewUserBody;
    expect((await createUser(client(), body)).userPrincipalName).toBe('real.write@contoso.com');
  });
});

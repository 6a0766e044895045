import type { RunningGraphSimulator } from '../../dev/graph-simulator';
import { graph, IDS, startSimulator } from './harness';

let sim: RunningGraphSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim?.close());

const path = `/users/${IDS.katherine}/authentication/temporaryAccessPassMethods`;

describe('Temporary Access Pass methods', () => {
  it('when a pass is created, then the response carries it once; listing never shows it, nor does the tenant state', async () => {
    const created = await graph(sim, 'POST', path, { lifetimeInMinutes: 60, isUsableOnce: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ lifetimeInMinutes: 60, isUsableOnce: true, isUsable: true });
    const pass = created.body.temporaryAccessPass as string;
    expect(pass.length).toBeGreaterThanOrEqual(8);
    const listed = await graph(sim, 'GET', path);
    expect(listed.body.value).toEqual([expect.objectContaining({ id: created.body.id })]);
    expect(JSON.stringify(listed.body)).not.toContain(pass);
    expect(JSON.stringify(sim.snapshot())).not.toContain(pass);
    expect(JSON.stringify((await graph(sim, 'GET', `/users/${IDS.katherine}`)).body)).not.toContain('temporaryAccessPass');
  });

  it('when a second pass is created, then it is refused until the first is deleted', async () => {
    expect((await graph(sim, 'POST', path, {})).status).toBe(400);
    const [existing] = (await graph(sim, 'GET', path)).body.value as { id: string }[];
    expect((await graph(sim, 'DELETE', `${path}/${existing!.id}`)).status).toBe(204);
    expect((await graph(sim, 'DELETE', `${path}/${existing!.id}`)).status).toBe(404);
    expect((await graph(sim, 'POST', path, {})).status).toBe(201);
  });

  it('when the lifetime is out of Graph\'s bounds or a property is unknown, then 400 names it', async () => {
    const hedy = `/users/${IDS.hedy}/authentication/temporaryAccessPassMethods`;
    const short = await graph(sim, 'POST', hedy, { lifetimeInMinutes: 5 });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toContain('lifetimeInMinutes');
    const unknown = await graph(sim, 'POST', hedy, { lifetime: 60 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("'lifetime'");
    expect((await graph(sim, 'POST', '/users/00000000-0000-4000-8000-000000000000/authentication/temporaryAccessPassMethods', {})).status).toBe(404);
  });
});

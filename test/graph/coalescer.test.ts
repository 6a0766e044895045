import { Coalescer } from '../../shared/graph/coalescer';

function recordingCoalescer(options: { maxBatch?: number; maxWaitMs?: number; beforeSend?: () => Promise<void> } = {}) {
  const batches: string[][] = [];
  const coalescer = new Coalescer<string, string>({
    maxBatch: options.maxBatch ?? 15,
    maxWaitMs: options.maxWaitMs ?? 200,
    ...(options.beforeSend ? { beforeSend: options.beforeSend } : {}),
    run: async (keys) => {
      batches.push(keys);
      return new Map(keys.filter((k) => !k.startsWith('missing')).map((k) => [k, k.startsWith('bad') ? new Error(`no ${k}`) : `value of ${k}`]));
    },
  });
  return { coalescer, batches };
}

describe('Coalescer', () => {
  it("when one event's keys come one after another, then none waits for company that is not coming", async () => {
    const { coalescer, batches } = recordingCoalescer({ maxWaitMs: 5_000 });
    const started = Date.now();
    for (const key of ['self', 'manager', 'manager-again']) await expect(coalescer.load(key)).resolves.toBe(`value of ${key}`);
    expect(Date.now() - started).toBeLessThan(150);
    expect(batches).toEqual([['self'], ['manager'], ['manager-again']]);
  });

  it('when many keys arrive together, then they share requests of at most maxBatch keys, each key once', async () => {
    const { coalescer, batches } = recordingCoalescer({ maxBatch: 4 });
    const keys = ['k1', 'k2', 'k2', 'k3', 'k4', 'k5', 'k6'];
    const values = await Promise.all(keys.map((k) => coalescer.load(k)));
    expect(values).toEqual(keys.map((k) => `value of ${k}`));
    expect(batches.flat().sort()).toEqual(['k1', 'k2', 'k3', 'k4', 'k5', 'k6']);
    expect(batches.every((b) => b.length <= 4)).toBe(true);
    expect(batches).toHaveLength(2);
  });

  it('when keys keep arriving, then later batches wait for company and carry many keys', async () => {
    const { coalescer, batches } = recordingCoalescer({ maxBatch: 15, maxWaitMs: 300 });
    const loads: Promise<string | undefined>[] = [];
    for (let i = 0; i < 100; i++) {
      loads.push(coalescer.load(`k${i}`));
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(loads);
    // Alone, 100 keys would be 100 requests; once ~100 keys/s are seen, the window fills batches.
    expect(batches.length).toBeLessThan(25);
  });

  it('when a key is missing or failed in the answer, then only that caller sees undefined or the error', async () => {
    const { coalescer } = recordingCoalescer();
    const [good, missing, bad] = await Promise.allSettled([coalescer.load('good'), coalescer.load('missing-1'), coalescer.load('bad-1')]);
    expect(good).toEqual({ status: 'fulfilled', value: 'value of good' });
    expect(missing).toEqual({ status: 'fulfilled', value: undefined });
    expect(bad).toMatchObject({ status: 'rejected', reason: { message: 'no bad-1' } });
  });

  it('when the request fails as a whole, then every caller in the batch gets the error', async () => {
    const coalescer = new Coalescer<string, string>({ maxBatch: 15, maxWaitMs: 0, run: async () => Promise.reject(new Error('Graph down')) });
    const results = await Promise.allSettled([coalescer.load('a'), coalescer.load('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('when sending must wait (a write token), then the batch keeps taking keys until it may go', async () => {
    let release: () => void = () => undefined;
    const token = new Promise<void>((r) => (release = r));
    const { coalescer, batches } = recordingCoalescer({ maxBatch: 20, maxWaitMs: 0, beforeSend: () => token });
    const first = coalescer.load('u1');
    await new Promise((r) => setTimeout(r, 20));
    const later = [coalescer.load('u2'), coalescer.load('u3')];
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([['u1', 'u2', 'u3']]);
  });
});

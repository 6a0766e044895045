import { GraphGovernor } from '../../shared/graph/governor';
import { isWriteRequest } from '../../shared/graph/governor-middleware';

/** A clock the test moves; the governor's timers still run on real time, so waits are short. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const ok = { status: 200, isWrite: false };

const settledWithin = async (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe('GraphGovernor', () => {
  it('when writes arrive faster than the budget, then they go at the configured rate after the burst', async () => {
    const governor = new GraphGovernor({ writesPerSecond: 50, writeBurst: 5 });
    const sent: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        const release = await governor.acquire(true);
        sent.push(Date.now() - started);
        release({ status: 204, isWrite: true });
      }),
    );
    // 5 at once, then 25 at 50/s: never ahead of the budget — the n-th write no sooner than
    // (n − 5) / 50 s in. (Measured against the start, not as "within 15 ms": a loaded machine only delays.)
    const sorted = [...sent].sort((a, b) => a - b);
    sorted.forEach((ms, i) => expect({ write: i + 1, ms: ms >= ((i + 1 - 5) / 50) * 1000 - 5 }).toEqual({ write: i + 1, ms: true }));
    expect(sorted[29]).toBeGreaterThanOrEqual(495);
  });

  it('when a read waits, then it is not held behind writes waiting for tokens', async () => {
    const governor = new GraphGovernor({ writesPerSecond: 1, writeBurst: 1 });
    (await governor.acquire(true))({ status: 204, isWrite: true });
    const write = governor.acquire(true); // needs a token ~1 s away
    const started = Date.now();
    const release = await governor.acquire(false);
    expect(Date.now() - started).toBeLessThan(100);
    release(ok);
    (await write)({ status: 204, isWrite: true });
  });

  it('when the concurrency window is full, then the next request waits for a release', async () => {
    const governor = new GraphGovernor({ writesPerSecond: 20, initialConcurrency: 2, maxConcurrency: 2 });
    const a = await governor.acquire(false);
    const b = await governor.acquire(false);
    let third = false;
    const c = governor.acquire(false).then((release) => {
      third = true;
      return release;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(third).toBe(false);
    a(ok);
    (await c)(ok);
    expect(third).toBe(true);
    b(ok);
  });

  it('when Graph answers 429 with Retry-After because the write budget is spent, then the window halves, the write rate drops and every request waits for the gate', async () => {
    const time = clock();
    const governor = new GraphGovernor({ writesPerSecond: 20, initialConcurrency: 16, maxConcurrency: 32, now: time.now });
    const release = await governor.acquire(true);
    release({ status: 429, isWrite: true, retryAfterMs: 2_000, writeBudgetSpent: true });
    const after = governor.snapshot();
    expect(after.concurrency).toBe(8);
    expect(after.writesPerSecond).toBeCloseTo(14, 5);
    expect(after.gateOpensInMs).toBe(2_000);
    expect(after.throttled).toBe(1);
  });

  it('when a 429 names no spent budget (the service under load) and Graph answers between, then the gate, the window and the write rate stay and only the refused request waits for its Retry-After', async () => {
    const time = clock();
    const governor = new GraphGovernor({ writesPerSecond: 20, initialConcurrency: 16, maxConcurrency: 32, now: time.now });
    const refused = { status: 429, isWrite: true, retryAfterMs: 1_000, refused: [{ key: 'PATCH /users/u1', retryAfterMs: 1_000 }] };
    for (let i = 0; i < 5; i++) {
      (await governor.acquire(true, false, 1, 'directory', 'PATCH /users/u1'))(refused);
      (await governor.acquire(false))(ok);
      time.advance(1_500);
    }
    (await governor.acquire(true, false, 1, 'directory', 'PATCH /users/u1'))(refused);
    expect(governor.snapshot()).toMatchObject({ writesPerSecond: 20, throttled: 6, gateOpensInMs: 0 });
    expect(governor.snapshot().concurrency).toBeGreaterThanOrEqual(16);
    expect(await settledWithin(governor.acquire(true, false, 1, 'directory', 'PATCH /users/u2'), 200)).toBe(true);
    expect(await settledWithin(governor.acquire(true, false, 1, 'directory', 'PATCH /users/u1'), 200)).toBe(false);
  });

  it('when the write rate was cut for a spent write budget, then it recovers with time once the gate opens, though no write is accepted meanwhile', async () => {
    const time = clock();
    const governor = new GraphGovernor({ writesPerSecond: 20, now: time.now });
    (await governor.acquire(true))({ status: 429, isWrite: true, retryAfterMs: 2_000, writeBudgetSpent: true });
    expect(governor.snapshot().writesPerSecond).toBeCloseTo(14, 5);
    time.advance(2_000); // the gate: nothing learnt while it is closed
    expect(governor.snapshot().writesPerSecond).toBeCloseTo(14, 5);
    time.advance(10_000);
    expect(governor.snapshot().writesPerSecond).toBeCloseTo(17, 5);
    time.advance(10_000);
    expect(governor.snapshot().writesPerSecond).toBe(20);
  });

  it('when several 429s come back in a spell (nothing answered between), then it is taken for a spent budget and the window is cut once per spell, not once per response', async () => {
    const time = clock();
    const governor = new GraphGovernor({ writesPerSecond: 20, initialConcurrency: 16, maxConcurrency: 32, now: time.now });
    const releases = await Promise.all([governor.acquire(false), governor.acquire(false), governor.acquire(false)]);
    for (const release of releases) release({ status: 429, isWrite: false, retryAfterMs: 0 });
    expect(governor.snapshot().concurrency).toBe(8);
    time.advance(1_500);
    (await governor.acquire(false))({ status: 429, isWrite: false, retryAfterMs: 0 });
    expect(governor.snapshot().concurrency).toBe(4);
  });

  it('when Graph keeps answering, then the window grows back additively up to the maximum and the write rate recovers', async () => {
    const time = clock();
    const governor = new GraphGovernor({ writesPerSecond: 20, initialConcurrency: 4, maxConcurrency: 6, now: time.now });
    (await governor.acquire(true))({ status: 429, isWrite: true, retryAfterMs: 0, writeBudgetSpent: true });
    expect(governor.snapshot()).toMatchObject({ concurrency: 2, writesPerSecond: 14 });
    for (let i = 0; i < 500; i++) {
      time.advance(100);
      (await governor.acquire(true))({ status: 204, isWrite: true });
    }
    expect(governor.snapshot().concurrency).toBe(6);
    expect(governor.snapshot().writesPerSecond).toBe(20);
  });

  it('when Graph reports the budget nearly used (x-ms-throttle-limit-percentage), then the window stops growing, and shrinks past the limit', async () => {
    const time = clock();
    const governor = new GraphGovernor({ writesPerSecond: 20, initialConcurrency: 10, maxConcurrency: 32, now: time.now });
    for (let i = 0; i < 50; i++) (await governor.acquire(false))({ status: 200, isWrite: false, limitPercentage: 0.95 });
    expect(governor.snapshot().concurrency).toBe(10);
    time.advance(2_000);
    (await governor.acquire(false))({ status: 200, isWrite: false, limitPercentage: 1.1 });
    expect(governor.snapshot().concurrency).toBe(8);
  });

  it('when a write token was reserved beforehand, then acquiring for that write takes no second token', async () => {
    const governor = new GraphGovernor({ writesPerSecond: 1, writeBurst: 1 });
    await governor.reserveWrite();
    const started = Date.now();
    (await governor.acquire(true, true))({ status: 204, isWrite: true });
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('when the rate is not positive, then it refuses to start', () => {
    expect(() => new GraphGovernor({ writesPerSecond: 0 })).toThrow(/writesPerSecond/);
  });
});

describe('which requests spend the write budget', () => {
  const url = 'https://graph.microsoft.com/v1.0/$batch';
  it('when a $batch carries only reads, then it is not a write, though it is a POST', () => {
    const body = JSON.stringify({ requests: [{ id: '1', method: 'GET', url: '/users/u/manager' }, { id: '2', method: 'GET', url: '/users/u/memberOf' }] });
    expect(isWriteRequest('POST', url, body)).toBe(false);
  });
  it('when a $batch carries a write, or its body cannot be read, then it is a write', () => {
    const body = JSON.stringify({ requests: [{ id: '1', method: 'GET', url: '/users/u' }, { id: '2', method: 'PATCH', url: '/users/u', body: {} }] });
    expect(isWriteRequest('POST', url, body)).toBe(true);
    expect(isWriteRequest('POST', url, 'not json')).toBe(true);
  });
  it('when a request is anything else, then its method decides', () => {
    expect(isWriteRequest('GET', 'https://graph.microsoft.com/v1.0/users', undefined)).toBe(false);
    expect(isWriteRequest('PATCH', 'https://graph.microsoft.com/v1.0/users/u', '{}')).toBe(true);
    expect(isWriteRequest('POST', 'https://graph.microsoft.com/v1.0/users/u/assignLicense', '{}')).toBe(true);
  });
});

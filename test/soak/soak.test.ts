import { runSoak } from '../../dev/soak/run-soak';

// The small version of `npm run soak`: the same harness, fewer events, one host kill.
describe('soak (small)', () => {
  it('when events flow through a host that is killed once while Graph throttles, fails and lags, then nothing is lost or duplicated and the tenant is exactly what the input says', async () => {
    const report = await runSoak({ workers: 20, kills: 1, transientRate: 0.15, replicationDelayMs: 200, latencyMs: [0, 20], drainTimeoutMs: 150_000 });
    expect(report.mismatches).toEqual([]);
    expect(report).toMatchObject({ duplicates: 0, lost: 0, kills: 1 });
    expect(report.events).toBeGreaterThanOrEqual(20);
    // Every event succeeded, or was superseded by its worker's later leaver.
    expect(Object.keys(report.skipped).filter((reason) => reason !== 'SupersededByLeaver')).toEqual([]);
    expect((report.statuses.succeeded ?? 0) + (report.statuses.skipped ?? 0)).toBe(report.events);
    expect(report.leftWithoutAccount).toBeLessThanOrEqual(report.skipped.SupersededByLeaver ?? 0);
  }, 200_000);
});

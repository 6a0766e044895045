import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INSTANCE_EVENT_SLOTS, RESERVED_EVENT_SLOTS, TenantRuntimes } from '../../shared/tenancy/tenant-runtime';

const runtimes = (share: number) => new TenantRuntimes(() => { throw new Error('not built in these specs'); }, share);

describe('TenantRuntimes event slots', () => {
  it("when the instance's slot count is assumed, then it is host.json's maxConcurrentSessions", () => {
    const hostJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'host.json'), 'utf8')) as { extensions: { serviceBus: { maxConcurrentSessions: number } } };
    expect(INSTANCE_EVENT_SLOTS).toBe(hostJson.extensions.serviceBus.maxConcurrentSessions);
  });

  it('when one tenant is alone, then it may borrow beyond its share up to the reserved slots', () => {
    const slots = runtimes(32);
    const taken = [];
    for (;;) {
      const leave = slots.tryEnter('fabrikam');
      if (!leave) break;
      taken.push(leave);
    }
    expect(taken).toHaveLength(INSTANCE_EVENT_SLOTS - RESERVED_EVENT_SLOTS);
  });

  it('when a busy tenant holds the borrowed slots, then another tenant still gets in up to its share, and the busy one is held to its share as slots free up', () => {
    const slots = runtimes(32);
    const busy = Array.from({ length: INSTANCE_EVENT_SLOTS - RESERVED_EVENT_SLOTS }, () => slots.tryEnter('northwind')!);
    const other = Array.from({ length: 20 }, () => slots.tryEnter('fabrikam'));
    expect(other.every(Boolean)).toBe(true);
    busy.pop()!();
    expect(slots.tryEnter('northwind')).toBeUndefined(); // over its share while the instance is busy
    expect(slots.tryEnter('fabrikam')).toBeDefined();
  });

  it('when a slot is left twice, then it is freed once', () => {
    const slots = runtimes(1);
    const first = slots.tryEnter('a')!;
    slots.tryEnter('a');
    first();
    first();
    let more = 0;
    while (slots.tryEnter('a')) more++;
    expect(more).toBe(INSTANCE_EVENT_SLOTS - RESERVED_EVENT_SLOTS - 1);
  });
});

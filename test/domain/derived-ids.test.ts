import fc from 'fast-check';
import { MAX_ID_LENGTH, withIdSuffix } from '../../shared/domain/bounded-id';
import { employeeKey, employeeSchema, lifecycleEventSchema, tenantScopedEventId } from '../../shared/domain/events';
import { replayMessageId } from '../../shared/messaging/dead-letters';
import { deferMessageId, retryMessageId, scheduledMessageId, waitMessageId } from '../../shared/processing/message-ids';
import type { EventPhase } from '../../shared/processing/outcome';

/**
 * Every id the app derives for Service Bus must fit its 128 characters ("Maximum size of a message
 * ID: 128", "of a message session ID: 128", https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas),
 * be the same for the same input (duplicate detection drops a copy sent twice only if its id is
 * the same) and differ for different inputs (else duplicate detection drops a copy that is new).
 */

const accepts = (eventId: string): boolean =>
  lifecycleEventSchema.safeParse({ eventId, type: 'joiner', source: 'hr-json', occurredAt: '2026-11-22T09:00:00Z', employee: { employeeId: 'E1' } }).success;

/** eventIds the schema accepts, often near or at its 128 characters. */
const eventId = fc
  .oneof(fc.stringMatching(/^[A-Za-z0-9._:@-]{1,40}$/), fc.stringMatching(/^[A-Za-z0-9._:@-]{100,128}$/), fc.stringMatching(/^[A-Za-z0-9._:@-]{128}$/))
  .filter(accepts);
const customerTenant = fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/), fc.stringMatching(/^[a-z0-9][a-z0-9-]{62}$/));
const tenant = fc.oneof(fc.constant('default'), customerTenant);

/**
 * Inputs that name distinct events. Left out by design: an eventId that already carries its own
 * tenant's prefix (scoping is idempotent, so `acme` + `acme:X` is `acme` + `X`), and a home-tenant
 * eventId that starts like a customer's scoped id (the home tenant's ids are kept as sent).
 */
const scopedEvent = fc
  .record({ tenant, eventId })
  .filter(({ tenant: t, eventId: id }) => (t === 'default' ? !/^[a-z0-9][a-z0-9-]{0,62}:/.test(id) : !id.startsWith(`${t}:`)));

const PHASES: (EventPhase | undefined)[] = [undefined, 'remove-licences', 'delete-account'];
const COUNTS = [0, 1, 2, 9, 10, 123];

/** Every messageId derived from one event, each labelled with what it is a copy of. */
function derivedIds(id: string): Map<string, string> {
  const ids = new Map<string, string>([['original', id]]);
  for (const phase of PHASES) {
    ids.set(`scheduled ${phase ?? 'due'}`, scheduledMessageId(id, phase));
    for (const attempt of COUNTS) {
      ids.set(`retry ${phase} ${attempt}`, retryMessageId(id, phase, attempt));
      for (const n of COUNTS.filter((c) => c > 0)) {
        ids.set(`wait ${phase} ${attempt} ${n}`, waitMessageId(id, phase, attempt, n));
        ids.set(`defer ${phase} ${attempt} ${n}`, deferMessageId(id, phase, attempt, n));
      }
    }
  }
  for (const count of [1, 2, 9, 10, 11]) {
    ids.set(`replay ${count}`, replayMessageId(replayMessageId(id, 1), count));
    ids.set(`replay of retry ${count}`, replayMessageId(retryMessageId(id, 'delete-account', 7), count));
    ids.set(`replay of due ${count}`, replayMessageId(scheduledMessageId(id, undefined), count));
  }
  return ids;
}

describe('derived Service Bus ids', () => {
  it('when any accepted eventId of any tenant is scoped and copied (retry, wait, defer, phases, due, replay N), then every id has at most 128 characters and is the same when derived again', () => {
    fc.assert(
      fc.property(tenant, eventId, (t, raw) => {
        const scoped = tenantScopedEventId(t, raw);
        expect(scoped).toBe(tenantScopedEventId(t, raw));
        expect(accepts(scoped)).toBe(true);
        const again = derivedIds(tenantScopedEventId(t, raw));
        const problems = [...derivedIds(scoped)].filter(([what, id]) => id.length > MAX_ID_LENGTH || again.get(what) !== id).map(([what, id]) => `${what}: ${id}`);
        expect(problems).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("when one event's copies are derived, then no two copies share a messageId", () => {
    fc.assert(
      fc.property(scopedEvent, ({ tenant: t, eventId: raw }) => {
        const ids = [...derivedIds(tenantScopedEventId(t, raw)).values()];
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 200 },
    );
  });

  it('when different events (different tenants or eventIds, however long) are copied, then no id of one is an id of another', () => {
    fc.assert(
      fc.property(fc.uniqueArray(scopedEvent, { minLength: 2, maxLength: 12, selector: (e) => `${e.tenant}\u0000${e.eventId}` }), (events) => {
        const owner = new Map<string, string>();
        for (const { tenant: t, eventId: raw } of events) {
          const input = `${t}/${raw}`;
          for (const id of derivedIds(tenantScopedEventId(t, raw)).values()) {
            const seen = owner.get(id);
            if (seen !== undefined && seen !== input) throw new Error(`${id} derived from both ${seen} and ${input}`);
            owner.set(id, input);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('when eventIds differ only after the part a shortened id keeps, then their shortened copies still differ', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._@-]{110}$/), fc.stringMatching(/^[A-Za-z0-9]{18}$/), fc.stringMatching(/^[A-Za-z0-9]{18}$/), (start, endA, endB) => {
        fc.pre(endA !== endB);
        for (const [a, b] of [
          [retryMessageId(start + endA, 'remove-licences', 3), retryMessageId(start + endB, 'remove-licences', 3)],
          [scheduledMessageId(start + endA, undefined), scheduledMessageId(start + endB, undefined)],
          [replayMessageId(start + endA, 4), replayMessageId(start + endB, 4)],
        ]) {
          expect(a).not.toBe(b);
          expect(a!.length).toBe(MAX_ID_LENGTH);
        }
      }),
    );
  });

  it('when any accepted tenant key and employeeId make a sessionId, then it has at most 128 characters, is stable, and differs for a different tenant or employee', () => {
    const employeeId = fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }).map((raw) => employeeSchema.shape.employeeId.safeParse(raw)).filter((r) => r.success).map((r) => r.data as string);
    fc.assert(
      fc.property(fc.uniqueArray(fc.record({ tenantId: tenant, employeeId }), { minLength: 1, maxLength: 8, selector: (k) => `${k.tenantId}\u0000${k.employeeId}` }), (keys) => {
        const sessions = keys.map(({ tenantId, employeeId: id }) => employeeKey({ tenantId, employee: { employeeId: id } }));
        for (const [i, session] of sessions.entries()) {
          expect(session.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
          expect(employeeKey({ tenantId: keys[i]!.tenantId, employee: { employeeId: keys[i]!.employeeId } })).toBe(session);
        }
        expect(new Set(sessions).size).toBe(sessions.length);
      }),
      { numRuns: 300 },
    );
  });

  it('when a sessionId would pass 128 characters (longer keys than the schemas allow today), then it is shortened, and two such keys stay apart', () => {
    const long = (suffix: string) => employeeKey({ tenantId: 'a'.repeat(63), employee: { employeeId: `${'E'.repeat(80)}${suffix}` } });

    expect(long('1')).toHaveLength(MAX_ID_LENGTH);
    expect(long('1')).not.toBe(long('2'));
    expect(long('1')).toBe(long('1'));
  });

  it('when an id is scoped twice, then the second scoping leaves it as it is; an id that fits keeps its plain form', () => {
    fc.assert(
      fc.property(customerTenant, eventId, (t, raw) => {
        const scoped = tenantScopedEventId(t, raw);
        expect(tenantScopedEventId(t, scoped)).toBe(scoped);
      }),
    );
    expect(withIdSuffix('evt-1', '~r1')).toBe('evt-1~r1');
  });
});

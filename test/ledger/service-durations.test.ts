import { serviceDurations } from '../../shared/ledger/service-durations';
import type { EventRecord, StepRecord } from '../../shared/ledger/types';

function record(over: Partial<EventRecord> = {}): EventRecord {
  return {
    eventId: 'e1',
    tenantId: 'default',
    type: 'joiner',
    employeeKey: 'default:w1',
    status: 'succeeded',
    occurredAt: '2026-11-30T08:00:00.000Z',
    acceptedAt: '2026-11-30T08:00:00.000Z',
    updatedAt: '2026-11-30T08:00:00.000Z',
    attempts: 1,
    steps: [],
    ...over,
  };
}
const step = (name: string, startedAt: string, durationMs: number, outcome: StepRecord['outcome'] = 'done', dueAt?: string): StepRecord => ({ name, outcome, startedAt, durationMs, ...(dueAt ? { dueAt } : {}) });

describe('service-level durations from step times', () => {
  it('when a joiner finished its groups and licences, then time-to-productive runs from acceptance to the later of the two', () => {
    const joiner = record({ steps: [step('create-user', '2026-11-30T08:00:01.000Z', 500), step('groups', '2026-11-30T08:00:02.000Z', 1000), step('licences', '2026-11-30T08:00:04.000Z', 2000)] });
    expect(serviceDurations(joiner)).toEqual({ productiveSeconds: 6 });
  });

  it('when a joiner has not finished its licences, then it has no time-to-productive yet', () => {
    expect(serviceDurations(record({ steps: [step('groups', '2026-11-30T08:00:02.000Z', 1000), step('licences', '2026-11-30T08:00:04.000Z', 0, 'failed')] }))).toEqual({});
  });

  it('when a hire dated ahead is enabled at its start, then time-to-productive runs from the start, not from its acceptance days before', () => {
    const hire = record({
      acceptedAt: '2026-11-20T08:00:00.000Z',
      steps: [
        step('wait-until-pre-hire', '2026-11-20T08:00:00.000Z', 5, 'done', '2026-11-23T20:00:00.000Z'),
        step('groups', '2026-11-23T20:00:03.000Z', 1000),
        step('licences', '2026-11-23T20:00:05.000Z', 1000),
        step('enable-at-start', '2026-11-30T20:00:40.000Z', 2000, 'done', '2026-11-30T20:00:00.000Z'),
      ],
    });
    expect(serviceDurations(hire)).toEqual({ productiveSeconds: 42 });
  });

  it('when a hire dated ahead has not reached its start, then it has no time-to-productive although its groups and licences are done', () => {
    const waiting = record({ status: 'queued', steps: [step('groups', '2026-11-23T20:00:03.000Z', 1000), step('licences', '2026-11-23T20:00:05.000Z', 1000), step('enable-at-start', '2026-11-23T20:00:06.000Z', 1, 'pending', '2026-11-30T20:00:00.000Z')] });
    expect(serviceDurations(waiting)).toEqual({});
  });

  it('when a leaver turned sign-in off and revoked sessions, then time-to-deprovisioned runs to the later of the two', () => {
    const leaver = record({ type: 'leaver', steps: [step('disable-sign-in', '2026-11-30T08:00:10.000Z', 1000), step('revoke-sessions', '2026-11-30T08:00:20.000Z', 1000)] });
    expect(serviceDurations(leaver)).toEqual({ deprovisionedSeconds: 21 });
  });

  it('when a leaver waited for its leave date, then time-to-deprovisioned runs from that date', () => {
    const leaver = record({ type: 'leaver', steps: [step('wait-until-effective', '2026-11-30T08:00:01.000Z', 0, 'pending', '2026-12-05T08:00:00.000Z'), step('disable-sign-in', '2026-12-05T08:00:10.000Z', 1000), step('revoke-sessions', '2026-12-05T08:00:20.000Z', 1000)] });
    expect(serviceDurations(leaver)).toEqual({ deprovisionedSeconds: 21 });
  });

  it('when a record written before steps carried their due time waited for a date, then it is left out rather than counted from acceptance', () => {
    const leaver = record({ type: 'leaver', steps: [step('wait-until-effective', '2026-11-30T08:00:01.000Z', 0, 'pending'), step('disable-sign-in', '2026-12-05T08:00:10.000Z', 1000), step('revoke-sessions', '2026-12-05T08:00:20.000Z', 1000)] });
    expect(serviceDurations(leaver)).toEqual({});
    const hire = record({ steps: [step('groups', '2026-11-23T20:00:03.000Z', 1000), step('licences', '2026-11-23T20:00:05.000Z', 1000), step('enable-at-start', '2026-11-30T20:00:40.000Z', 2000)] });
    expect(serviceDurations(hire)).toEqual({});
  });

  it('when a leave date was before the leaver was accepted, then it counts from acceptance', () => {
    const leaver = record({ type: 'leaver', acceptedAt: '2026-11-30T08:00:00.000Z', steps: [step('wait-until-effective', '2026-11-30T08:00:00.000Z', 0, 'pending', '2026-11-29T00:00:00.000Z'), step('disable-sign-in', '2026-11-30T08:00:01.000Z', 1000), step('revoke-sessions', '2026-11-30T08:00:02.000Z', 1000)] });
    expect(serviceDurations(leaver)).toEqual({ deprovisionedSeconds: 3 });
  });
});

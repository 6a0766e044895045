import { functionDeclarations } from '../../functions/declarations';
import { processEventFunction } from '../../functions/process-event';
import { startTestHost, type TestHost } from '../support/test-host';

/**
 * A full HR request (HR_MAX_RECORDS, 500) is several times Service Bus Standard's 256 KB a send
 * (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas). The processing
 * function is left out so the queue holds exactly what intake queued.
 */
const RECORDS = 500;

const departments = ['Engineering', 'Sales', 'Finance', 'Customer Success', 'Research & Development'];
const cities: [string, string][] = [['Dublin', 'IE'], ['München', 'DE'], ['São Paulo', 'BR'], ['Zürich', 'CH'], ['Kraków', 'PL']];

/** A canonical joiner as an HR system sends it: every employee field a real feed fills. */
function joinerRecord(i: number) {
  const [city, country] = cities[i % cities.length] as [string, string];
  const id = `W${String(100000 + i)}`;
  return {
    eventId: `workday-2026-11-hire-${String(i).padStart(6, '0')}`,
    type: 'joiner',
    occurredAt: '2026-11-22T09:00:00Z',
    effectiveAt: '2026-12-01T08:00:00Z',
    employee: {
      employeeId: id,
      givenName: ['Seán', 'José', 'Zoë', 'Łukasz', 'Ingrid'][i % 5],
      surname: ["O'Brien", 'Müller-Lüdenscheidt', 'Nakamura', 'Wiśniewski', 'Sørensen'][i % 5],
      displayName: `Worker ${id} of ${departments[i % departments.length]}`,
      department: departments[i % departments.length],
      jobTitle: 'Senior Software Engineer, Platform Reliability',
      employeeType: i % 7 === 0 ? 'Contractor' : 'Employee',
      companyName: 'Contoso Europe Holdings',
      officeLocation: `${city} – Building ${1 + (i % 4)}, Floor ${1 + (i % 9)}`,
      city,
      country,
      usageLocation: country,
      mobilePhone: `+353 87 ${String(1000000 + i)}`,
      hireDate: '2026-12-01',
      managerEmployeeId: 'M000001',
    },
  };
}

describe('a full HR request on the queue', () => {
  let host: TestHost;

  beforeAll(async () => {
    host = await startTestHost({ declarations: functionDeclarations.filter((d) => d !== processEventFunction) });
    host.bus.createQueue(host.settings.PROCESSING_QUEUE_NAME, { requiresSession: processEventFunction.isSessionsEnabled, requiresDuplicateDetection: true });
  });

  afterAll(async () => {
    await host?.stop();
  });

  it('when a signed request of HR_MAX_RECORDS canonical records (far over 256 KB of messages) is posted, then it is accepted and every event is queued and recorded; posting it again queues nothing more', async () => {
    const records = Array.from({ length: RECORDS }, (_, i) => joinerRecord(i));
    const body = JSON.stringify(records);
    expect(host.settings.HR_MAX_RECORDS).toBe(RECORDS);
    expect(Buffer.byteLength(body)).toBeLessThan(host.settings.HR_MAX_BODY_BYTES);
    expect(Buffer.byteLength(body)).toBeGreaterThan(256 * 1024);

    const response = await host.postHr(body);
    const text = await response.text();
    expect({ status: response.status, text: response.status === 202 ? '' : text }).toEqual({ status: 202, text: '' });
    const { events } = JSON.parse(text) as { events: { eventId: string }[] };
    expect(events.map((e) => e.eventId)).toEqual(records.map((r) => r.eventId));
    expect(host.bus.counts(host.settings.PROCESSING_QUEUE_NAME)).toMatchObject({ active: RECORDS, deadLettered: 0 });

    const statuses = await Promise.all(
      events.map(async ({ eventId }) => {
        const status = await fetch(`${host.url}/api/events/${encodeURIComponent(eventId)}`);
        return status.status === 200 ? ((await status.json()) as { status: string }).status : `http ${status.status}`;
      }),
    );
    expect(new Set(statuses)).toEqual(new Set(['queued']));

    const again = await host.postHr(body);
    expect(again.status).toBe(202);
    expect(host.bus.counts(host.settings.PROCESSING_QUEUE_NAME)).toMatchObject({ active: RECORDS });
  });
});

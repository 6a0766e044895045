import { parseTicketRequest } from '../../shared/intake';
import { parseTicketMessage } from '../../shared/intake/ticket-request';
import { eventsOf, issuesOf, NOW } from './support';

const options = { now: NOW, tenantId: 'default' };
const employee = { employeeId: 'T100', givenName: 'Katherine', surname: 'Johnson' };

describe('ticket intake', () => {
  it('when an onboard ticket arrives, then it is a joiner with a ticket-derived event id', () => {
    const [event] = eventsOf(parseTicketRequest({ requestId: 'REQ0012345', action: 'onboard', employee }, options));
    expect(event).toEqual({
      eventId: 'ticket-REQ0012345',
      type: 'joiner',
      tenantId: 'default',
      source: 'ticket',
      occurredAt: NOW.toISOString(),
      employee,
      ticket: { requestId: 'REQ0012345' },
    });
  });

  it('when offboard and update tickets arrive, then they are leaver and mover and keep requestedAt', () => {
    const requestedAt = '2026-11-19T08:00:00Z';
    expect(eventsOf(parseTicketRequest({ requestId: 'R1', action: 'offboard', requestedAt, employee }, options))[0]).toMatchObject({
      type: 'leaver',
      occurredAt: requestedAt,
    });
    expect(eventsOf(parseTicketRequest({ requestId: 'R2', action: 'update', employee }, options))[0]!.type).toBe('mover');
  });

  it('when the request id has characters an event id cannot carry, then they are replaced and a hash keeps it distinct', () => {
    const [event] = eventsOf(parseTicketRequest({ requestId: 'INC/42 #1', action: 'onboard', employee }, options));
    expect(event!.eventId).toMatch(/^ticket-INC-42--1-[0-9a-f]{16}$/);
  });

  it.each([
    [{ action: 'add-group', group: 'SG-Sales' }, { action: 'add-group', group: 'SG-Sales' }],
    [{ action: 'remove-group', group: 'SG-Sales' }, { action: 'remove-group', group: 'SG-Sales' }],
    [{ action: 'assign-licence', sku: 'SPE_E5', disabledPlans: ['SWAY'] }, { action: 'assign-licence', sku: 'SPE_E5', disabledPlans: ['SWAY'] }],
    [{ action: 'remove-licence', sku: 'SPE_E3' }, { action: 'remove-licence', sku: 'SPE_E3' }],
    [{ action: 'reset-password' }, { action: 'reset-credential' }],
  ])('when the ticket asks %o, then it becomes an access event with change %o', (ticket, change) => {
    const [event] = eventsOf(parseTicketRequest({ requestId: 'R3', employee, ...ticket }, options));
    expect(event).toMatchObject({ type: 'access', source: 'ticket', change });
  });

  it('when an access ticket lacks what it acts on, or carries what it does not use, then the issue names the field', () => {
    expect(issuesOf(parseTicketRequest({ requestId: 'R5', action: 'add-group', employee }, options))).toEqual([expect.objectContaining({ field: 'group' })]);
    expect(issuesOf(parseTicketRequest({ requestId: 'R6', action: 'assign-licence', employee }, options))).toEqual([expect.objectContaining({ field: 'sku' })]);
    expect(issuesOf(parseTicketRequest({ requestId: 'R7', action: 'onboard', group: 'SG-Sales', employee }, options))).toEqual([expect.objectContaining({ field: 'group' })]);
  });

  it('when a ticket message body arrives as a JSON string or as its UTF-8 bytes, then it is the same ticket as an object', () => {
    const ticket = { requestId: 'REQ-BYTES', action: 'onboard', employee };
    const asObject = eventsOf(parseTicketMessage(ticket, options));
    expect(eventsOf(parseTicketMessage(JSON.stringify(ticket), options))).toEqual(asObject);
    expect(eventsOf(parseTicketMessage(Buffer.from(`\uFEFF${JSON.stringify(ticket)}`, 'utf8'), options))).toEqual(asObject);
    expect(eventsOf(parseTicketMessage(new Uint8Array(Buffer.from(JSON.stringify(ticket))), options))).toEqual(asObject);
    expect(issuesOf(parseTicketMessage('{not json', options))).toEqual([{ field: '(body)', message: 'is not valid JSON' }]);
  });

  it('when the ticket has no employee id, then the issue names employee.employeeId', () => {
    expect(issuesOf(parseTicketRequest({ requestId: 'R4', action: 'onboard', employee: {} }, options))).toEqual([
      expect.objectContaining({ field: 'employee.employeeId' }),
    ]);
  });
});

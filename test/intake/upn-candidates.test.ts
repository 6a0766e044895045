import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useTenantHost } from '../support/tenant';

// A webhook of its own layout whose mapping picks the UPN with SelectUniqueValue (Entra offers it only towards on-premises AD).
const mappingFile = path.join(mkdtempSync(path.join(tmpdir(), 'mapping-')), 'mapping.json');
writeFileSync(
  mappingFile,
  JSON.stringify({
    sources: {
      'hr-json': {
        type: '"joiner"',
        attributes: {
          employeeId: '[id]',
          givenName: '[first]',
          surname: '[last]',
          country: '[country]',
          userPrincipalName:
            'SelectUniqueValue(ToLower(Join("@", NormalizeDiacritics(Join(".", [first], [last])), "contoso.com")), ToLower(Join("@", NormalizeDiacritics(Join(".", Left([first], 1), [last])), "contoso.com")))',
        },
      },
    },
  }),
);
const t = useTenantHost({ env: { MAPPING_FILE: mappingFile } });

async function join(record: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await t.host.postHr(JSON.stringify(record));
  expect(response.status).toBe(202);
  const { events } = (await response.json()) as { events: { eventId: string }[] };
  return t.host.waitForStatus(events[0]!.eventId);
}

describe('SelectUniqueValue for the UPN, evaluated against the tenant when the account is created', () => {
  it('when the first candidate is free, then the account gets it; when it is taken, the next one', async () => {
    expect(await join({ id: 'UC1', first: 'Zoë', last: 'Smith', country: 'GB' })).toMatchObject({ status: 'succeeded' });
    expect(t.sim.userByEmployeeId('UC1')[0]?.userPrincipalName).toBe('zoe.smith@contoso.com');
    const second = await join({ id: 'UC2', first: 'Zoe', last: 'Smith', country: 'GB' });
    expect(second).toMatchObject({ status: 'succeeded' });
    expect(t.sim.userByEmployeeId('UC2')[0]?.userPrincipalName).toBe('z.smith@contoso.com');
  });

  it('when every candidate is taken, then the event stops saying so, as Entra escrows the entry', async () => {
    const third = await join({ id: 'UC3', first: 'Zoe', last: 'Smith', country: 'GB' });
    expect(third).toMatchObject({ status: 'dead-lettered' });
    expect(JSON.stringify(third.error)).toContain('NoFreeUserPrincipalName');
  });
});

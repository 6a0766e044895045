import fc from 'fast-check';

/**
 * How a property runs: in `npm test`, `base` runs from a fixed seed (the same cases every time, so
 * CI is repeatable); under `npm run fuzz`, FUZZ_SCALE times as many from a fresh seed, printed so a
 * failure can be replayed with FUZZ_SEED.
 */
export function runs(base: number): { numRuns: number; seed: number } {
  const scale = Number(process.env.FUZZ_SCALE ?? 1);
  const numRuns = Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_SCALE ? Date.now() % 2 ** 31 : 20261202;
  return { numRuns, seed };
}

/** A marker planted in values: an answer that echoes it has leaked a value. */
export const MARKER = 'ZQXJ-LEAK';

/** Text an attacker or a careless HR export might put anywhere. */
const META = ['#', '&', '+', '%', '%27', '%2', "'", '"', '?', '/', '\\', '..', '=', ';', '(', ')', ',', '$', ' ', '\t', '\n', '\u0000', '\u202e', '\uFEFF', 'é', '中', '😀', MARKER, '<script>', '${x}', "' or 1 eq 1 or '"];
export const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...META), fc.string({ maxLength: 4 })), { minLength: 0, maxLength: 6 })
  .map((parts) => parts.join(''));

/** An employeeId: usually a plain one from a small pool (so records meet each other), sometimes hostile. */
export const employeeId = (prefix: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(`${prefix}1`, `${prefix}2`, `${prefix}3`) },
    { weight: 1, arbitrary: hostileText.map((t) => `${prefix}${t}`.slice(0, 18)) },
  );

const scalar = fc.oneof(hostileText, fc.integer(), fc.boolean(), fc.constant(null), fc.double());
/** Object keys are field names, which answers may name; the marker goes in values only. */
const key = hostileText.filter((k) => !k.includes(MARKER));
/** Any JSON value, a few levels deep. */
export const anyJson = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 3 })),
})).value;

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
const date = fc.oneof(fc.constantFrom('2026-12-01', '2026-12-01T08:00:00Z', '2031-01-01T00:00:00Z', '2020-02-30', 'yesterday', ''), hostileText);

/** An employee block: mostly plausible, with hostile or wrongly typed values mixed in. */
export const employee = (prefix: string) =>
  fc.record(
    {
      employeeId: fc.oneof({ weight: 9, arbitrary: employeeId(prefix) }, { weight: 1, arbitrary: scalar }),
      givenName: maybe(fc.oneof(fc.constantFrom('Ada', 'José', "Seán", 'Zoë', '李'), hostileText)),
      surname: maybe(fc.oneof(fc.constantFrom('Lovelace', "O'Brien", 'Müller', '王'), hostileText)),
      department: maybe(fc.oneof(fc.constantFrom('Engineering', 'Sales', 'R&D'), hostileText)),
      country: maybe(fc.oneof(fc.constantFrom('GB', 'UK', 'IE', 'DE', 'United Kingdom', 'XX'), hostileText)),
      employeeType: maybe(fc.constantFrom('Employee', 'Contractor', MARKER)),
      userPrincipalName: maybe(fc.oneof(fc.constantFrom(`breakglass@contoso.com`, `${prefix.toLowerCase()}@contoso.com`, 'x@evil.example'), hostileText)),
      managerEmployeeId: maybe(employeeId(prefix)),
      hireDate: maybe(date),
      leaveDate: maybe(date),
      mobilePhone: maybe(fc.constantFrom('+44 20 7946 0000', MARKER)),
    },
    { requiredKeys: ['employeeId'] },
  );

export const eventType = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('joiner', 'mover', 'leaver', 'rehire') }, { weight: 1, arbitrary: fc.constantFrom('access', 'JOINER', 'terminate', '') });

/** A record an HR system could well send: valid, with names and ids that are awkward but allowed. */
export const plausibleRecord = (prefix: string) =>
  fc.record(
    {
      type: fc.constantFrom('joiner', 'joiner', 'mover', 'leaver', 'rehire'),
      occurredAt: fc.constant('2026-11-22T09:00:00Z'),
      employee: fc.record(
        {
          employeeId: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(`${prefix}1`, `${prefix}2`) }, { weight: 1, arbitrary: fc.constantFrom(`${prefix}#`, `${prefix}+%`, `${prefix}&'`) }),
          givenName: fc.constantFrom('Ada', 'José', 'Seán', 'Zoë', 'Ørjan'),
          surname: fc.constantFrom('Lovelace', "O'Brien", 'Müller', 'Nguyễn'),
          department: fc.constantFrom('Engineering', 'Sales', 'R&D'),
          country: fc.constantFrom('GB', 'UK', 'IE', 'DE'),
          userPrincipalName: fc.constantFrom(`breakglass@contoso.com`, `marie.curie@contoso.com`, `${prefix.toLowerCase()}.own@contoso.com`),
          managerEmployeeId: fc.constantFrom(`${prefix}1`, `${prefix}2`, 'M001'),
          leaveDate: fc.constantFrom('2026-11-01', '2031-01-01'),
        },
        { requiredKeys: ['employeeId', 'givenName', 'surname'] },
      ),
    },
    { requiredKeys: ['type', 'occurredAt', 'employee'] },
  );

/** One canonical HR JSON record, sometimes with fields it must not carry. */
export const hrRecord = (prefix: string) => fc.oneof({ weight: 3, arbitrary: plausibleRecord(prefix) }, { weight: 1, arbitrary: chaoticRecord(prefix) });

const chaoticRecord = (prefix: string) =>
  fc.record(
    {
      type: eventType,
      occurredAt: fc.oneof(fc.constant('2026-11-22T09:00:00Z'), date),
      effectiveAt: maybe(date),
      employee: employee(prefix),
      eventId: maybe(fc.oneof(fc.constantFrom(`${prefix}-evt-1`, `${prefix}-evt-1`, '..', 'a/b', 'p%41'), hostileText)),
      tenantId: maybe(fc.constantFrom('default', 'fabrikam', MARKER)),
      source: maybe(fc.constantFrom('hr-json', 'ticket', 'manage')),
      change: maybe(fc.constant({ action: 'assign-licence', sku: 'SPE_E5' })),
      // Only an operator's undo (the manage route) may carry this; an HR feed never.
      restore: maybe(fc.constant({ snapshotOf: 'evt-1' })),
      extra: maybe(anyJson),
    },
    { requiredKeys: ['type', 'occurredAt', 'employee'] },
  );

/** A SCIM BulkRequest operation as connectors send it, with the same kind of damage. */
export const scimOperation = (prefix: string) =>
  fc.record({
    method: fc.constantFrom('POST', 'post', 'PATCH'),
    path: fc.constantFrom('/Users', '/users', '/Groups'),
    bulkId: fc.oneof(fc.constantFrom('b1', 'b2'), hostileText),
    data: fc.record(
      {
        schemas: fc.constant(['urn:ietf:params:scim:schemas:core:2.0:User']),
        externalId: fc.oneof(employeeId(prefix), scalar),
        userName: maybe(hostileText),
        active: maybe(fc.oneof(fc.boolean(), fc.constantFrom('true', 'False', 'no'), scalar)),
        displayName: maybe(hostileText),
        name: maybe(fc.record({ givenName: maybe(hostileText), familyName: maybe(hostileText) })),
        addresses: maybe(fc.array(fc.record({ type: fc.constantFrom('work', 'home'), country: maybe(hostileText), locality: maybe(hostileText) }), { maxLength: 2 })),
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': maybe(fc.record({ department: maybe(hostileText), manager: maybe(fc.record({ value: maybe(employeeId(prefix)) })) })),
        x: maybe(anyJson),
      },
      { requiredKeys: ['externalId'] },
    ),
  });

export const scimBulk = (prefix: string) =>
  fc.array(scimOperation(prefix), { minLength: 0, maxLength: 4 }).map((Operations) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations }));

const csvCell = fc.oneof(fc.constantFrom('', 'Active', 'Inactive', 'GB', 'Ada', '"quoted, cell"', 'a""b'), hostileText.map((t) => t.replace(/[\r\n]/g, ' ')));
export const csvBody = (prefix: string) =>
  fc
    .tuple(
      fc.shuffledSubarray(['WorkerID', 'WorkerStatus', 'FirstName', 'LastName', 'CountryCode', 'Department', 'ManagerID', 'Bogus'], { minLength: 1 }),
      fc.array(fc.array(csvCell, { minLength: 0, maxLength: 9 }), { maxLength: 4 }),
      employeeId(prefix),
    )
    .map(([header, rows, id]) => [header.join(','), ...rows.map((r) => [id, ...r].slice(0, header.length).join(','))].join('\n'));

export const ticket = (prefix: string) =>
  fc.record(
    {
      requestId: fc.oneof(fc.constantFrom(`${prefix}-REQ1`, `${prefix}-REQ2`), hostileText),
      action: fc.constantFrom('onboard', 'offboard', 'update', 'reset-password', 'add-group', 'remove-group', 'assign-licence', 'remove-licence', 'delete-everything'),
      tenantId: maybe(fc.constantFrom('default', 'fabrikam', MARKER)),
      employee: employee(prefix),
      group: maybe(fc.oneof(fc.constantFrom('SG-Engineering', 'SG-Tier0-Admins'), hostileText)),
      sku: maybe(fc.constantFrom('SPE_E3', 'SPE_E5', MARKER)),
      restore: maybe(fc.constant({ snapshotOf: 'evt-1' })),
      extra: maybe(anyJson),
    },
    { requiredKeys: ['requestId', 'action', 'employee'] },
  );

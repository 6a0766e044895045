import { SCHEMAS } from './protocol';

/**
 * The User as this service provider keeps it: RFC 7643 §4.1's core User and §4.3's enterprise
 * extension, without what an HR feed has no business sending (`password`, `groups`,
 * `entitlements`, `roles`, `x509Certificates`). `/Schemas` publishes exactly these (RFC 7643 §7),
 * and a User is stored with these attributes only (plus custom extensions its `schemas` lists),
 * so a misspelt attribute is not echoed back as if it meant something.
 */

interface Attribute {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime';
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  subAttributes?: Attribute[];
  referenceTypes?: string[];
  canonicalValues?: string[];
}

function attr(name: string, description: string, options: Partial<Attribute> = {}): Attribute {
  return { name, type: 'string', multiValued: false, description, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...options };
}

/**
 * The sub-attributes every multi-valued attribute of RFC 7643 §2.4 has, with the canonical `type`
 * values §8.7.1 lists for it (suggestions, not a constraint: another type is kept as sent, §7).
 */
function multiValued(name: string, description: string, types: string[], value: Partial<Attribute> = {}): Attribute {
  return attr(name, description, {
    type: 'complex',
    multiValued: true,
    subAttributes: [attr('value', `The ${name} value.`, value), attr('display', 'A human-readable name.'), attr('type', `A label: ${types.join(', ')}.`, { canonicalValues: types }), attr('primary', 'The primary value.', { type: 'boolean' })],
  });
}

const USER_ATTRIBUTES: Attribute[] = [
  attr('userName', "The worker's unique login name at the client (unique here too, case-insensitively).", { required: true, uniqueness: 'server' }),
  attr('name', "The worker's name.", {
    type: 'complex',
    subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((n) => attr(n, `The ${n} part of the name.`)),
  }),
  attr('displayName', 'The name to display.'),
  attr('nickName', 'A casual name.'),
  attr('profileUrl', 'A profile page.', { type: 'reference', referenceTypes: ['external'] }),
  attr('title', 'The job title (Entra jobTitle).'),
  attr('userType', 'The kind of worker: Employee, Contractor… (Entra employeeType).'),
  attr('preferredLanguage', 'Preferred language (RFC 7231 Accept-Language form).'),
  attr('locale', 'Locale for localisation.'),
  attr('timezone', 'Time zone (IANA name).'),
  attr('active', 'false: the worker has left (a leaver); true: the worker works here.', { type: 'boolean' }),
  multiValued('emails', 'E-mail addresses.', ['work', 'home', 'other']),
  multiValued('phoneNumbers', 'Phone numbers; type mobile becomes Entra mobilePhone.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
  multiValued('ims', 'Instant messaging addresses.', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
  // RFC 7643 §8.7.1: a photo's value is a URL, an external reference.
  multiValued('photos', 'Photos (URLs).', ['photo', 'thumbnail'], { type: 'reference', referenceTypes: ['external'] }),
  attr('addresses', 'Physical addresses; the work one (else the primary) gives city and country.', {
    type: 'complex',
    multiValued: true,
    subAttributes: ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country']
      .map((n) => attr(n, `The ${n} of the address.`))
      .concat(attr('type', 'A label: work, home, other.', { canonicalValues: ['work', 'home', 'other'] }), attr('primary', 'The primary address.', { type: 'boolean' })),
  }),
];

const ENTERPRISE_ATTRIBUTES: Attribute[] = [
  attr('employeeNumber', "The worker's number in the organisation."),
  attr('costCenter', 'Cost center.'),
  attr('organization', 'Organisation (Entra companyName).'),
  attr('division', 'Division.'),
  attr('department', 'Department (Entra department).'),
  attr('manager', "The worker's manager.", {
    type: 'complex',
    subAttributes: [attr('value', "The manager's externalId here (their employeeId)."), attr('$ref', "The manager's User URI.", { type: 'reference', referenceTypes: ['User'] }), attr('displayName', "The manager's name.", { mutability: 'readOnly' })],
  }),
];

/** Top-level core attributes a stored User keeps: lower-cased name → the schema's spelling (names are case-insensitive, RFC 7643 §2.1). */
export const USER_ATTRIBUTE_NAMES: ReadonlyMap<string, string> = new Map(USER_ATTRIBUTES.map((a) => [a.name.toLowerCase(), a.name]));

function schemaResource(id: string, name: string, description: string, attributes: Attribute[], base: string): Record<string, unknown> {
  return { schemas: [SCHEMAS.schema], id, name, description, attributes, meta: { resourceType: 'Schema', location: `${base}/Schemas/${id}` } };
}

export function userSchemas(base: string): Record<string, unknown>[] {
  return [
    schemaResource(SCHEMAS.user, 'User', 'User Account: one worker as the HR system describes them.', USER_ATTRIBUTES, base),
    schemaResource(SCHEMAS.enterpriseUser, 'EnterpriseUser', 'Enterprise User: department, organisation and manager.', ENTERPRISE_ATTRIBUTES, base),
  ];
}

export function userResourceType(base: string): Record<string, unknown> {
  return {
    schemas: [SCHEMAS.resourceType],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'A worker: creating, replacing, patching and deleting one become joiner, mover and leaver events.',
    schema: SCHEMAS.user,
    schemaExtensions: [{ schema: SCHEMAS.enterpriseUser, required: false }],
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
  };
}

/** Most resources one page of GET /Users returns (and `filter.maxResults`). */
export const MAX_PAGE_SIZE = 200;

/** RFC 7643 §5: what this service provider supports, read by clients before they provision. */
export function serviceProviderConfig(base: string): Record<string, unknown> {
  return {
    schemas: [SCHEMAS.serviceProviderConfig],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: "A long-lived bearer token per tenant (the tenant's SCIM token app setting), in the Authorization header.",
        specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

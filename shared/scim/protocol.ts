/**
 * SCIM 2.0's messages as RFC 7644 defines them: the schema URNs, the error shape (§3.12) and the
 * media type (§8.1). Every answer of the /scim routes is built here, so each one carries
 * `application/scim+json` and an error always has `schemas`, `status` as a string and `detail`.
 */

export const SCIM_MEDIA_TYPE = 'application/scim+json';

export const SCHEMAS = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

/** RFC 7644 §3.12, Table 9: the detail error keywords this service provider answers with. */
export type ScimType = 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidVers' | 'sensitive';

/** What one /scim request answers, before it becomes the host's response. */
export interface ScimAnswer {
  status: number;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * An error as RFC 7644 §3.12 says: `status` is the HTTP status as a string, `scimType` only where
 * the RFC gives one (400 and 409 mostly). `detail` names fields and records, never a value sent.
 */
export function scimError(status: number, detail: string, scimType?: ScimType, headers?: Record<string, string>): ScimAnswer {
  return {
    status,
    body: { schemas: [SCHEMAS.error], status: String(status), ...(scimType ? { scimType } : {}), detail },
    ...(headers ? { headers } : {}),
  };
}

/** Thrown inside an operation to answer with a SCIM error at once. */
export class ScimProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
  ) {
    super(detail);
    this.name = 'ScimProblem';
  }

  answer(): ScimAnswer {
    return scimError(this.status, this.detail, this.scimType);
  }
}

export const badRequest = (scimType: ScimType, detail: string) => new ScimProblem(400, detail, scimType);

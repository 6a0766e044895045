import { patchBodyValidation, scimPatch, ScimError, type ScimPatch, type ScimPatchOperation, type ScimResource } from 'scim-patch';
import { parse } from 'scim2-parse-filter';
import { badRequest, ScimProblem, SCHEMAS, type ScimType } from './protocol';
import type { ScimUserResource } from './representation';
import { USER_ATTRIBUTE_NAMES } from './schemas';

/** More operations than any client sends for one User; a bound on the work one request makes. */
export const MAX_PATCH_OPERATIONS = 100;
const MAX_PATH_LENGTH = 512;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A PatchOp (RFC 7644 §3.5.2) on the stored User, by scim-patch: `add`, `remove`, `replace` in any
 * case, with or without a path, value filters on multi-valued attributes. As §3.5.2.3 says, a
 * replace of an attribute not there adds it, and one whose value filter matches nothing is
 * noTarget; a remove without a path is noTarget (§3.5.2.2). `id` and `meta` are read-only
 * (mutability). The result is read like a PUT body afterwards (representation.ts).
 */
export function applyPatch(user: ScimUserResource, body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'The body must be a PatchOp (a JSON object).');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(SCHEMAS.patchOp)) throw badRequest('invalidSyntax', `schemas: must be [${SCHEMAS.patchOp}].`);
  const operations = body.Operations ?? body.operations;
  if (!Array.isArray(operations) || operations.length === 0) throw badRequest('invalidSyntax', 'Operations: must be a non-empty array of operations.');
  if (operations.length > MAX_PATCH_OPERATIONS) throw badRequest('invalidSyntax', `Operations: at most ${MAX_PATCH_OPERATIONS} operations are accepted per request.`);
  const normalised = operations.map((operation, index) => normaliseOperation(operation, index));

  try {
    patchBodyValidation({ schemas: [SCHEMAS.patchOp], Operations: normalised } as ScimPatch);
    const patched = scimPatch({ ...user, meta: { created: new Date(0), lastModified: new Date(0) } } as unknown as ScimResource, normalised, { mutateDocument: false, treatMissingAsAdd: false });
    const { meta: _meta, ...rest } = patched as unknown as Record<string, unknown>;
    return rest;
  } catch (error) {
    // The library's messages quote paths and values; the detail names the problem only.
    if (error instanceof ScimError) throw badRequest(scimTypeOf(error.scimCode ?? ''), `Operations: ${describe(error.scimCode ?? '')}.`);
    throw error;
  }
}

function normaliseOperation(operation: unknown, index: number): ScimPatchOperation {
  const at = `Operations[${index}]`;
  if (!isObject(operation)) throw badRequest('invalidSyntax', `${at}: must be an object.`);
  const op = typeof operation.op === 'string' ? operation.op.toLowerCase() : undefined;
  if (op !== 'add' && op !== 'remove' && op !== 'replace') throw badRequest('invalidSyntax', `${at}.op: must be add, remove or replace.`);
  const path = operation.path;
  if (path !== undefined && (typeof path !== 'string' || path.length > MAX_PATH_LENGTH)) throw badRequest('invalidPath', `${at}.path: must be an attribute path of at most ${MAX_PATH_LENGTH} characters.`);
  if (typeof path === 'string' && !isAttributePath(path.trim())) throw badRequest('invalidPath', `${at}.path: is not an attribute path of RFC 7644 §3.5.2 (attribute, optional [filter], optional .subAttribute).`);
  if (typeof path === 'string' && /^(id|meta)([.[]|$)/i.test(path.trim())) throw new ScimProblem(400, `${at}.path: id and meta are read-only.`, 'mutability');
  if (op !== 'remove' && operation.value === undefined) throw badRequest('invalidValue', `${at}.value: is required for ${op}.`);
  const value = path === undefined && isObject(operation.value) ? canonicalKeys(operation.value) : operation.value;
  return { op, ...(typeof path === 'string' ? { path: canonicalPath(path.trim()) } : {}), ...(value === undefined ? {} : { value }) } as ScimPatchOperation;
}

/** RFC 7644 §3.5.2's PATH: `[urn:…:]attribute[valFilter][.subAttribute]`, the filter as the filter grammar has it. */
const PATH = /^(?:urn:[^\s[\]]+:)?[A-Za-z][A-Za-z0-9_$-]*(?:\[(.+)\])?(?:\.[A-Za-z][A-Za-z0-9_$-]*)?$/s;

function isAttributePath(path: string): boolean {
  const match = PATH.exec(path);
  if (!match) return false;
  if (match[1] === undefined) return true;
  try {
    parse(match[1]);
    return true;
  } catch {
    return false;
  }
}

/**
 * `Name.GivenName` reaches the stored `name`: names are case-insensitive (RFC 7643 §2.1), and the
 * library matches them exactly, so the first segment takes the schema's spelling.
 */
function canonicalPath(path: string): string {
  const enterprise = `${SCHEMAS.enterpriseUser}:`;
  if (path.toLowerCase().startsWith(enterprise.toLowerCase())) return `${enterprise}${path.slice(enterprise.length)}`;
  const core = `${SCHEMAS.user}:`;
  const local = path.toLowerCase().startsWith(core.toLowerCase()) ? path.slice(core.length) : path;
  const match = /^([A-Za-z][A-Za-z0-9_$-]*)(.*)$/s.exec(local);
  if (!match) return path;
  const canonical = USER_ATTRIBUTE_NAMES.get((match[1] as string).toLowerCase()) ?? (match[1] as string).replace(/^externalid$/i, 'externalId');
  return `${canonical}${match[2] as string}`;
}

function canonicalKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [canonicalPath(key), v]));
}

function scimTypeOf(code: string): ScimType {
  return code === 'noTarget' || code === 'invalidPath' || code === 'invalidValue' || code === 'mutability' ? code : 'invalidSyntax';
}

function describe(code: string): string {
  if (code === 'noTarget') return 'an operation names a target that does not exist (a remove needs a path; a value filter must match an entry)';
  return 'an operation is not a valid PatchOp operation for this User (its path or value)';
}

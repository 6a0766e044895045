import { badRequest } from './errors';
import { asObject } from './odata';
import { heldSkuIds, inheritedOf, INHERITED_LICENCE_REMOVAL, presentLicences } from './group-licensing';
import { stampMailAddress } from './mail';
import { presentUser, requireUser } from './users';
import type { AssignedLicense, SimContext, SimRequest, SkuRecord } from './types';

type Item = Record<string, unknown>;

function presentSku(ctx: SimContext, sku: SkuRecord): Item {
  return {
    capabilityStatus: 'Enabled',
    appliesTo: 'User',
    consumedUnits: sku.consumedUnits,
    id: `${ctx.state.tenantId}_${sku.skuId}`,
    skuId: sku.skuId,
    skuPartNumber: sku.skuPartNumber,
    subscriptionIds: [],
    prepaidUnits: { enabled: sku.enabled, suspended: sku.suspended ?? 0, warning: sku.warning ?? 0, lockedOut: 0 },
    servicePlans: [],
  };
}

export function listSubscribedSkus(ctx: SimContext): Item {
  return {
    '@odata.context': `${ctx.baseUrl}/$metadata#subscribedSkus`,
    value: [...ctx.state.skus.values()].map((s) => presentSku(ctx, s)),
  };
}

export function licenseDetails(ctx: SimContext, idOrUpn: string): Item {
  const user = requireUser(ctx.state, idOrUpn);
  return {
    '@odata.context': `${ctx.baseUrl}/$metadata#users('${user.id}')/licenseDetails`,
    value: presentLicences(user).assignedLicenses.map((l) => ({
      id: `${l.skuId}-${user.id}`.slice(0, 43),
      skuId: l.skuId,
      skuPartNumber: ctx.state.skus.get(l.skuId)?.skuPartNumber ?? null,
      servicePlans: [],
    })),
  };
}

/**
 * `assignLicense`: both arrays are required; all-or-nothing. Error wordings follow what real
 * Graph returns for these cases (from public reports; `Request_BadRequest` throughout).
 */
export function assignLicense(req: SimRequest, ctx: SimContext, idOrUpn: string): Item {
  const body = asObject(req.body);
  // A user still replicating: 404 (https://learn.microsoft.com/graph/api/user-assignlicense
  // documents nothing for replication; see replication.ts).
  const user = requireUser(ctx.state, idOrUpn);
  if (!Array.isArray(body.addLicenses)) throw badRequest("Invalid value specified for property 'addLicenses' of resource 'User'.");
  if (!Array.isArray(body.removeLicenses)) throw badRequest("Invalid value specified for property 'removeLicenses' of resource 'User'.");
  const add: AssignedLicense[] = body.addLicenses.map((raw: unknown) => {
    const l = asObject(raw);
    if (typeof l.skuId !== 'string') throw badRequest("Invalid value specified for property 'skuId' of resource 'AssignedLicense'.");
    const disabledPlans = Array.isArray(l.disabledPlans) ? l.disabledPlans.filter((p): p is string => typeof p === 'string') : [];
    return { skuId: l.skuId, disabledPlans };
  });
  const remove = body.removeLicenses as unknown[];
  if (add.length > 0 && !(typeof user.usageLocation === 'string' && /^[A-Z]{2}$/.test(user.usageLocation))) {
    throw badRequest('License assignment cannot be done for user with invalid usage location.');
  }
  for (const skuId of [...add.map((l) => l.skuId), ...remove]) {
    if (typeof skuId !== 'string' || !ctx.state.skus.has(skuId)) throw badRequest(`License ${String(skuId)} does not correspond to a valid company License.`);
  }
  const inherited = new Set(inheritedOf(user).map((l) => l.skuId));
  for (const skuId of remove as string[]) {
    const direct = user.assignedLicenses.some((l) => l.skuId === skuId);
    if (!direct && inherited.has(skuId)) throw badRequest(INHERITED_LICENCE_REMOVAL);
    if (!direct) throw badRequest('User does not have a corresponding license.');
  }
  const held = heldSkuIds(user);
  for (const l of add) {
    const sku = ctx.state.skus.get(l.skuId)!;
    if (!held.has(l.skuId) && sku.consumedUnits >= sku.enabled) {
      throw badRequest(`Subscription with SKU ${sku.skuId} does not have any available licenses.`);
    }
  }
  // Validated: apply. A licence held another way (through a group) still counts once.
  for (const skuId of remove as string[]) {
    user.assignedLicenses = user.assignedLicenses.filter((l) => l.skuId !== skuId);
    if (!inherited.has(skuId)) ctx.state.skus.get(skuId)!.consumedUnits -= 1;
  }
  for (const l of add) {
    const existing = user.assignedLicenses.find((a) => a.skuId === l.skuId);
    if (existing) existing.disabledPlans = l.disabledPlans;
    else {
      user.assignedLicenses.push(l);
      if (!inherited.has(l.skuId)) ctx.state.skus.get(l.skuId)!.consumedUnits += 1;
    }
  }
  stampMailAddress(ctx.state, user);
  return { '@odata.context': `${ctx.baseUrl}/$metadata#users/$entity`, ...presentUser(user) };
}

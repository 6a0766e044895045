/**
 * What a request will cost in Graph's identity and access ResourceUnits, before it is sent, so the
 * app's budget across tenants can be taken up front. Base costs and modifiers from
 * https://learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits: any path
 * not listed costs 1; `$select` −1, `$expand` +1, `$top` under 20 −1, never below 1; a cost given
 * for `me/…` applies to `users/{id}/…` too. A `$batch` costs what its items cost, each evaluated on
 * its own (https://learn.microsoft.com/graph/json-batching).
 */
const baseCosts: ReadonlyArray<[method: string, path: RegExp, cost: number]> = [
  ['GET', /^\/users$/, 2],
  ['GET', /^\/users\/[^/]+\/(memberOf|licenseDetails|ownedObjects|transitiveMemberOf)$/, 2],
  ['GET', /^\/groups\/[^/]+\/members$/, 3],
  ['GET', /^\/groups\/[^/]+\/transitiveMembers$/, 5],
  ['GET', /^\/subscribedSkus$/, 3],
  ['GET', /^\/applications$/, 2],
  ['POST', /^\/(directoryObjects\/getByIds|getObjectsById)$/, 5],
  ['POST', /^\/users\/[^/]+\/(checkMemberGroups|checkMemberObjects)$/, 4],
  ['POST', /^\/users\/[^/]+\/(getMemberGroups|getMemberObjects)$/, 2],
];

export function estimateResourceUnits(method: string | undefined, url: string, body?: unknown): number {
  const verb = (method ?? 'GET').toUpperCase();
  const parsed = new URL(url, 'https://graph.invalid');
  const path = parsed.pathname.replace(/%24/gi, '$').replace(/^\/(v1\.0|beta)(?=\/)/, '').replace(/\/+$/, '');
  if (path === '/$batch') return batchCost(body);
  let cost = baseCosts.find(([m, p]) => m === verb && p.test(path))?.[2] ?? 1;
  const query = parsed.searchParams;
  if (query.has('$select')) cost -= 1;
  if (query.has('$expand')) cost += 1;
  const top = Number(query.get('$top'));
  if (query.has('$top') && Number.isFinite(top) && top < 20) cost -= 1;
  return Math.max(1, cost);
}

function batchCost(body: unknown): number {
  try {
    const { requests } = JSON.parse(String(body)) as { requests?: Array<{ method?: string; url?: string }> };
    if (!Array.isArray(requests) || requests.length === 0) return 1;
    return requests.reduce((sum, r) => sum + estimateResourceUnits(r.method, `/${String(r.url ?? '').replace(/^\/+/, '')}`), 0);
  } catch {
    return 1;
  }
}

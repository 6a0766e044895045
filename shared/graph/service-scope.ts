/**
 * Which Graph service a request is throttled by. Graph's limits are per service
 * (https://learn.microsoft.com/graph/throttling-limits): identity and access (users, groups,
 * devices, licences: a tenant-wide budget of resource units and writes), Outlook (per app and
 * mailbox: 10,000 requests per 10 minutes, 4 concurrent), OneDrive/SharePoint (its own limits),
 * Intune (its own). A 429 from one says nothing about another: a mailbox refusing us must not
 * hold the tenant's directory work, nor cut its write rate.
 */
export type ServiceScope = { service: 'directory' } | { service: 'outlook'; mailbox: string } | { service: 'sharepoint' } | { service: 'intune' };

const OUTLOOK = /^\/users\/([^/?]+)\/(mailboxSettings|mailFolders|messages|sendMail|events|calendar|contacts)(\/|\?|$)/i;
const SHAREPOINT = /^\/(drives|sites)(\/|\?|$)|^\/users\/[^/?]+\/drive(\/|\?|$)/i;
const INTUNE = /^\/deviceManagement(\/|\?|$)|^\/users\/[^/?]+\/managedDevices(\/|\?|$)/i;

/** A request's path under the API version, whether the URL is absolute or a `$batch` item's relative one. */
function graphPath(url: string): string {
  return new URL(url, 'https://graph.invalid').pathname.replace(/^\/(v1\.0|beta)(?=\/)/, '');
}

export function serviceScopeOf(url: string): ServiceScope {
  const path = graphPath(url);
  const outlook = OUTLOOK.exec(path);
  if (outlook) return { service: 'outlook', mailbox: decodeURIComponent(outlook[1] as string).toLowerCase() };
  if (SHAREPOINT.test(path)) return { service: 'sharepoint' };
  if (INTUNE.test(path)) return { service: 'intune' };
  return { service: 'directory' };
}

/** The key a scope's gate is kept under. */
export function scopeKey(scope: ServiceScope): string {
  return scope.service === 'outlook' ? `outlook:${scope.mailbox}` : scope.service;
}

/**
 * Names one request for a hold on its own retry (governor.ts): method and path, the query left
 * out, so a `$batch` item and its re-ask on its own (`%24select` or `$select`) are the same request.
 */
export function requestKey(method: string | undefined, url: string): string {
  const path = graphPath(url);
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // a stray `%`: the path as sent is as good a name
  }
  return `${(method ?? 'GET').toUpperCase()} ${decoded.toLowerCase()}`;
}

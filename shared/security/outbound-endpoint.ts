import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { httpsUrlProblem } from '../domain/https-url';

/**
 * Where the app may send a request an operator configured (a custom step's endpoint): HTTPS only,
 * and — outside local development — only to public addresses. Otherwise a rules file could make
 * the app call what only it can reach (SSRF): the instance metadata service (169.254.169.254),
 * Azure's platform address (168.63.129.16), a private network behind a VNet integration, itself.
 * The host is checked when written as an address, and every address its name resolves to is
 * checked again when the connection is made (`guardedLookup`), so a name that resolves to a
 * private address — or changes to one after a first check (DNS rebinding) — is refused too.
 */

/** Public unicast, yet not for tenants: Azure's virtual public IP of the platform (DHCP, DNS, health). */
const PLATFORM_ADDRESSES = ['168.63.129.16'];

export class EndpointNotAllowedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'EndpointNotAllowedError';
  }
}

/** A public unicast address (ipaddr.js's ranges: private, loopback, link-local, CGNAT, ULA, mapped … are not). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === 'unicast' && !PLATFORM_ADDRESSES.includes(parsed.toString());
}

/**
 * Why this URL may not be called, or undefined when it may. Names the rule broken, never the URL
 * (it may carry the receiver's own credential, as a Logic App trigger's `sig` does).
 */
export function endpointProblem(url: string, options: { allowPrivate: boolean }): string | undefined {
  const shape = httpsUrlProblem(url);
  if (shape || options.allowPrivate) return shape;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'is a loopback host (allowed only in local development)';
  if (isIP(host) !== 0 && !isPublicAddress(host)) return 'is a loopback, private or link-local address (allowed only in local development)';
  return undefined;
}

/**
 * A `lookup` for node:https that refuses a host any of whose addresses is not public. Node asks for
 * every address when it tries several (`all: true`, the default with autoSelectFamily) and for one
 * otherwise; both are answered.
 */
export function guardedLookup(options: { allowPrivate: boolean }): LookupFunction {
  return ((hostname: string, lookupOptions: LookupOptions, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { ...lookupOptions, all: true } as LookupAllOptions, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      const refused = options.allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (refused || addresses.length === 0) {
        return callback(new EndpointNotAllowedError('the endpoint host resolves to a loopback, private or link-local address (allowed only in local development)'));
      }
      if (lookupOptions.all) return callback(null, addresses);
      const [first] = addresses as [LookupAddress];
      return callback(null, first.address, first.family);
    });
  }) as unknown as LookupFunction;
}

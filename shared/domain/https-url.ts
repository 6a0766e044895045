/**
 * Why a URL we would POST to is not acceptable in itself, or undefined: HTTPS, and no credentials in
 * the URL (the receiver checks our signature instead). Where it may connect (no private address
 * outside local development) is checked when it is called (shared/security/outbound-endpoint).
 * Names the rule broken, never the URL: it may carry the receiver's own credential.
 */
export function httpsUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'https:') return 'is not an https:// URL';
  if (parsed.username || parsed.password) return 'carries a user name or password (put credentials in the signature, not the URL)';
  return undefined;
}

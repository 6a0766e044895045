import type { Settings } from '../config/settings';
import type { Secret } from '../domain/credentials';
import { signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../security/hmac-signature';

/** What a worker needs to sign in for the first time (or after a reset), and who it is for. */
export interface CredentialDelivery {
  eventId: string;
  tenantId: string;
  employeeId: string;
  userPrincipalName: string;
  managerEmployeeId?: string;
  kind: 'temporary-access-pass';
  secret: Secret;
  expiresAt: string;
  reason: 'joiner' | 'rehire' | 'reset';
}

/** Where issued credentials go. The only place a secret leaves the app; never a log or the ledger. */
export interface CredentialChannel {
  readonly name: string;
  deliver(delivery: CredentialDelivery): Promise<void>;
}

export class CredentialDeliveryError extends Error {
  constructor(
    message: string,
    public readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'CredentialDeliveryError';
  }
}

/**
 * POSTs the pass as JSON to a receiver the customer runs (a Logic App mailing the manager, a
 * ticket update), signed like our HR intake: `X-Signature: sha256=HMAC("<ts>.<body>")`.
 * Errors name the status only; the body, which holds the pass, is never in a message.
 */
export class WebhookCredentialChannel implements CredentialChannel {
  readonly name = 'webhook';

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async deliver(delivery: CredentialDelivery): Promise<void> {
    const { secret, ...rest } = delivery;
    const body = JSON.stringify({ ...rest, temporaryAccessPass: secret.reveal() });
    const timestamp = Math.floor(Date.now() / 1000);
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signPayload(this.secret, timestamp, body) },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new CredentialDeliveryError(`credential webhook unreachable (${code})`, true);
    }
    await response.body?.cancel();
    if (response.ok) return;
    const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
    throw new CredentialDeliveryError(`credential webhook answered ${response.status}`, retryable);
  }
}

export function createCredentialChannel(settings: Settings): CredentialChannel | undefined {
  if (settings.CREDENTIAL_DELIVERY !== 'webhook') return undefined;
  return new WebhookCredentialChannel(settings.CREDENTIAL_WEBHOOK_URL as string, settings.CREDENTIAL_WEBHOOK_SECRET as string);
}

import {
  deleteAuthenticationMethod,
  listAuthenticationMethods,
  PASSWORD_METHOD_TYPE,
  REMOVABLE_METHODS,
  type RegisteredMethod,
  type RemovableMethodKind,
} from '../../graph/authentication-methods';
import { GraphRequestError } from '../../graph/errors';
import { StepFailure } from '../outcome';
import type { OffboardingContext } from './context';

const STEP = 'remove-authentication-methods';

type Removable = RegisteredMethod & { kind: RemovableMethodKind };

const KIND_ORDER = Object.keys(REMOVABLE_METHODS) as RemovableMethodKind[];
/** "A user can't have an alternateMobile number without a mobile number" (phoneauthenticationmethod-delete): mobile last. */
const PHONE_ORDER = ['office', 'alternateMobile', 'mobile'];

/**
 * `authenticationMethods: 'remove'`: every sign-in method the leaver registered is deleted — phone,
 * Authenticator, FIDO2, OATH, email, Windows Hello, platform credential, Temporary Access Pass —
 * so none can be used to recover or re-enable the account. The password cannot be deleted
 * through Graph (no delete exists for it); disabled sign-in and revoked sessions cover it.
 *
 * Graph refuses to delete the user's default MFA method while other methods remain ("Cannot
 * delete default method with other methods configured", microsoftgraph/microsoft-graph-docs#14470;
 * the delete page: the default phone "can't be deleted"), and v1.0 has no way for an app to change
 * the default. So the types that can be a default go last, phones last of all, and a method Graph
 * refuses is tried again once the others are gone. One step; its detail names each type removed,
 * never a number, an address or a device name.
 */
export async function removeAuthenticationMethods(ctx: OffboardingContext): Promise<void> {
  if (ctx.policy.authenticationMethods !== 'remove') return;
  const { deps, user, runner } = ctx;
  // Done in an earlier attempt: its ledger entry keeps what was removed (the manager's summary
  // reads it); the account is disabled, so its owner cannot have registered another meanwhile.
  if (runner.completedEarlier(STEP)) return;
  await runner.run(STEP, async () => {
    const registered = await listAuthenticationMethods(deps.graph, user.id);
    const removable = inRemovalOrder(registered.filter((m): m is Removable => m.kind !== undefined));
    const kept = keptNote(registered);
    if (removable.length === 0) return { outcome: 'already-done', detail: `no sign-in methods to remove${kept}` };
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would remove ${describe(removable)}${kept}` };
    const removed = await removeInPasses(ctx, removable);
    return { outcome: 'done', detail: `removed ${describe(removed)}${kept}` };
  });
}

/**
 * Deletes in order; a method Graph refuses with 400 (the default one, a mobile phone before its
 * alternate) waits for the next pass. A pass that removes nothing ends the step with what is
 * left and Graph's reason.
 */
async function removeInPasses(ctx: OffboardingContext, methods: Removable[]): Promise<Removable[]> {
  const removed: Removable[] = [];
  let left = methods;
  while (left.length > 0) {
    const refused: { method: Removable; reason: string }[] = [];
    for (const method of left) {
      try {
        await deleteAuthenticationMethod(ctx.deps.graph, ctx.user.id, method);
        removed.push(method);
      } catch (error) {
        if (!(error instanceof GraphRequestError) || error.failure.status !== 400) throw error;
        refused.push({ method, reason: error.failure.message });
      }
    }
    if (refused.length === left.length) {
      const what = refused.map((r) => `${label(r.method)} (Graph: ${r.reason})`).join('; ');
      const done = removed.length ? `; removed before that: ${describe(removed)}` : '';
      throw new StepFailure(
        STEP,
        false,
        'AuthenticationMethodNotRemovable',
        `Graph would not remove ${what} from ${ctx.user.userPrincipalName}${done}`,
        "Delete the remaining method in the Entra admin center (Users > the user > Authentication methods), or change the user's default sign-in method there, then replay.",
      );
    }
    left = refused.map((r) => r.method);
  }
  return removed;
}

function inRemovalOrder(methods: Removable[]): Removable[] {
  const rank = (m: Removable) => KIND_ORDER.indexOf(m.kind) * 10 + (m.kind === 'phone' ? Math.max(0, PHONE_ORDER.indexOf(m.phoneType ?? '')) : 0);
  return [...methods].sort((a, b) => rank(a) - rank(b));
}

function label(method: Removable): string {
  const base = REMOVABLE_METHODS[method.kind].label;
  return method.kind === 'phone' && method.phoneType ? `${base} (${method.phoneType})` : base;
}

/** "phone (office), phone (mobile), FIDO2 security key / passkey ×2": types and counts, never values. */
function describe(methods: Removable[]): string {
  const counts = new Map<string, number>();
  for (const m of methods) counts.set(label(m), (counts.get(label(m)) ?? 0) + 1);
  return [...counts].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ');
}

/** What stays, and why: the password always; a type this app does not know is named, never skipped silently. */
function keptNote(registered: RegisteredMethod[]): string {
  const notes: string[] = [];
  if (registered.some((m) => m.odataType === PASSWORD_METHOD_TYPE)) {
    notes.push('password kept: Graph cannot delete a password method; sign-in is disabled and sessions are revoked');
  }
  const unknown = [...new Set(registered.filter((m) => !m.kind && m.odataType !== PASSWORD_METHOD_TYPE).map((m) => m.odataType.replace('#microsoft.graph.', '') || 'untyped method'))];
  if (unknown.length) notes.push(`not removed, not a type this app deletes: ${unknown.join(', ')} — remove it in the Entra admin center`);
  return notes.length ? `; ${notes.join('; ')}` : '';
}

import type { OffboardingContext } from '../offboarding/context';
import { runCustomStepsAt, type CustomStepSubject } from './run-custom-steps';
import type { CustomStepPoint } from './step-config';

const subjectOf = (ctx: OffboardingContext): CustomStepSubject => ({ event: ctx.event, user: ctx.user, manager: () => ctx.manager() });
const at = (point: CustomStepPoint) => (ctx: OffboardingContext) => runCustomStepsAt(point, subjectOf(ctx), ctx.runner, ctx.deps);

/** The leaver's custom steps at `access-closed`: sign-in off, sessions revoked and every other way in closed. */
export const customStepsWhenAccessClosed = at('access-closed');
/** At `before-licences`: mail, files and ownership handed over, groups not yet removed (convert the mailbox here). */
export const customStepsBeforeLicences = at('before-licences');
/** At `offboarded`: groups and (unless a grace period holds them) licences removed; before the manager is told. */
export const customStepsWhenOffboarded = at('offboarded');

import { getDriveRootId, getUserDrive, inviteToItem, letsUserWrite, listItemPermissions } from '../../graph/drives';
import type { OffboardingStage } from './index';

export const ONEDRIVE_STEP = 'onedrive-manager-access';

/**
 * `files.managerAccess`: the leaver's manager may read and change the leaver's OneDrive until the
 * account (and with it the OneDrive) is deleted, and the summary tells them where it is. Graph lets
 * an app share a user's OneDrive: `invite` on the drive's root folder with Files.ReadWrite.All
 * (shared/graph/drives.ts). Without a manager nobody is given access — handing someone's files to a
 * fallback person is a decision the policy should make by naming them, not a default — and
 * OneDrive's own access delegation still gives the manager (or the tenant's secondary owner)
 * access once the account is deleted.
 */
export const handOverOneDrive: OffboardingStage = async (ctx) => {
  if (!ctx.policy.files?.managerAccess) return;
  const { deps, user } = ctx;
  await ctx.runner.run(ONEDRIVE_STEP, async () => {
    const manager = await ctx.manager();
    if (!manager) return { outcome: 'skipped', detail: 'the leaver has no manager in Entra: nobody was given access to the OneDrive (set a manager, then replay)' };
    const drive = await getUserDrive(deps.graph, user.id);
    if (!drive) return { outcome: 'skipped', detail: 'the leaver has no OneDrive (never provisioned, or no SharePoint licence): nothing to hand over' };
    ctx.handover.oneDriveUrl = drive.webUrl;
    const rootId = await getDriveRootId(deps.graph, drive.id);
    const permissions = await listItemPermissions(deps.graph, drive.id, rootId);
    const whom = manager.userPrincipalName;
    if (permissions.some((p) => letsUserWrite(p, manager.id))) return { outcome: 'already-done', detail: `${whom} can already change the OneDrive at ${drive.webUrl}` };
    if (deps.mode === 'plan') return { outcome: 'planned', detail: `would give ${whom} write access to the OneDrive at ${drive.webUrl}` };
    // No mail from SharePoint: the manager's summary says where the files are.
    await inviteToItem(deps.graph, drive.id, rootId, { recipients: [{ objectId: manager.id }], roles: ['write'], requireSignIn: true, sendInvitation: false });
    return { outcome: 'done', detail: `${whom} given write access to the OneDrive at ${drive.webUrl}, until the account is deleted` };
  });
};

import type { Employee } from '../domain/events';
import type { JoinerPolicy, LeaverPolicy } from './leaver-policy';
import type { RehirePolicy } from './rehire-policy';

/** A licence the rules want a worker to hold. */
export interface LicenceNeed {
  skuPartNumber: string;
  disabledPlans: string[];
}

export type { JoinerPolicy, LeaverPolicy } from './leaver-policy';

export interface ProtectionPolicy {
  userPrincipalNames: string[];
  groups: string[];
  directoryRoleHolders: boolean;
}

export interface MassLeaverPolicy {
  threshold: number;
  windowMinutes: number;
}

/**
 * What processing needs from the rules file. The rules module parses and evaluates the file;
 * processing sees only this, so rule syntax can grow without touching the steps.
 */
export interface AccessPolicy {
  desiredGroups(employee: Employee): string[];
  desiredLicences(employee: Employee): LicenceNeed[];
  /** Licensing groups (group-based licensing) the rules put the worker in: the licence comes with the membership. */
  desiredLicensingGroups(employee: Employee): string[];
  /** Every licensing group any licence rule names: a mover leaves those the rules no longer give, and the licence with them. */
  ruleManagedLicensingGroups(): ReadonlySet<string>;
  /** Every group reference any rule can add: a mover loses only these, never manual memberships. */
  ruleManagedGroups(): ReadonlySet<string>;
  ruleManagedSkus(): ReadonlySet<string>;
  leaver: LeaverPolicy;
  joiner: JoinerPolicy;
  /** Absent: a rehire does not restore from its leaver's snapshot. */
  rehire?: RehirePolicy;
  protection: ProtectionPolicy;
  massLeaver?: MassLeaverPolicy;
  /** Whether members of role-assignable groups are changed (`manage`) or only reported; absent: `leave-alone`. */
  roleAssignableGroups?: 'leave-alone' | 'manage';
}

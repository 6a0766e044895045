import { z } from 'zod';
import type { TemporaryAccessPassPolicy } from './policies';
import { seedDeviceSchema, seedManagedDeviceSchema, type DeviceRecord, type ManagedDeviceRecord } from './devices';

/** Seed file schema: the tenant the simulator starts with. */
const assignedLicense = z.object({ skuId: z.string(), disabledPlans: z.array(z.string()).default([]) });

export const seedUserSchema = z
  .object({
    id: z.string(),
    userPrincipalName: z.string(),
    displayName: z.string(),
    mailNickname: z.string().optional(),
    accountEnabled: z.boolean().default(true),
    employeeId: z.string().nullable().default(null),
    managerId: z.string().nullable().optional(),
    assignedLicenses: z.array(assignedLicense).default([]),
    directoryRoles: z.array(z.string()).default([]),
    /** Read-only in Graph (sign-ins write it); seeded here to stand in for a tenant's history. */
    signInActivity: z
      .object({
        lastSignInDateTime: z.string().nullable().optional(),
        lastSuccessfulSignInDateTime: z.string().nullable().optional(),
        lastNonInteractiveSignInDateTime: z.string().nullable().optional(),
      })
      .nullable()
      .optional(),
  })
  .catchall(z.unknown());

export const seedGroupSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    mailEnabled: z.boolean().default(false),
    securityEnabled: z.boolean().default(true),
    groupTypes: z.array(z.string()).default([]),
    membershipRule: z.string().nullable().default(null),
    onPremisesSyncEnabled: z.boolean().nullable().default(null),
    /** Immutable in Entra; members change only with RoleManagement.ReadWrite.Directory (app-roles.ts). */
    isAssignableToRole: z.boolean().default(false),
    memberIds: z.array(z.string()).default([]),
    /** Users (or service principals) who own the group; Graph allows at most 100 (owners.ts). */
    ownerIds: z.array(z.string()).default([]),
  })
  .catchall(z.unknown());

/** An app registration or service principal, only as much as listing a user's owned objects needs (owners.ts). */
export const seedOwnedAppSchema = z.object({ id: z.string(), appId: z.string(), displayName: z.string(), ownerIds: z.array(z.string()).default([]) }).strict();

export const seedSkuSchema = z.object({
  skuId: z.string(),
  skuPartNumber: z.string(),
  enabled: z.number().int().nonnegative(),
  consumedUnits: z.number().int().nonnegative().optional(),
  /** prepaidUnits.suspended / .warning (expired or in grace); default 0. */
  suspended: z.number().int().nonnegative().optional(),
  warning: z.number().int().nonnegative().optional(),
});

export const seedSchema = z.object({
  tenant: z.object({ id: z.string().default('00000000-0000-4000-8000-000000000001'), verifiedDomains: z.array(z.string()).min(1) }),
  subscribedSkus: z.array(seedSkuSchema).default([]),
  directoryRoles: z.array(z.object({ id: z.string(), displayName: z.string(), roleTemplateId: z.string().optional() })).default([]),
  groups: z.array(seedGroupSchema).default([]),
  users: z.array(seedUserSchema).default([]),
  applications: z.array(seedOwnedAppSchema).default([]),
  servicePrincipals: z.array(seedOwnedAppSchema).default([]),
  /** Entra devices and Intune managed devices (devices.ts); users' sign-in methods are `users[].authenticationMethods` (authentication-methods.ts). */
  devices: z.array(seedDeviceSchema).default([]),
  managedDevices: z.array(seedManagedDeviceSchema).default([]),
  /** Authentication methods policy; checked against policies.ts when the state is built. */
  policies: z.object({ temporaryAccessPass: z.record(z.string(), z.unknown()).optional() }).strict().default({}),
});

export type GraphSeed = z.input<typeof seedSchema>;
export type ParsedSeed = z.output<typeof seedSchema>;

export interface AssignedLicense { skuId: string; disabledPlans: string[] }

/** A user as stored. Never holds a password: only whether one was set. */
export interface UserRecord {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mailNickname: string;
  accountEnabled: boolean;
  employeeId: string | null;
  managerId: string | null;
  assignedLicenses: AssignedLicense[];
  directoryRoleIds: string[];
  passwordSet: boolean;
  forceChangePasswordNextSignIn?: boolean;
  deletedDateTime: string | null;
  createdDateTime: string;
  signInSessionsValidFromDateTime?: string;
  [property: string]: unknown;
}

export interface GroupRecord {
  id: string;
  displayName: string;
  mailEnabled: boolean;
  securityEnabled: boolean;
  groupTypes: string[];
  membershipRule: string | null;
  onPremisesSyncEnabled: boolean | null;
  isAssignableToRole?: boolean;
  memberIds: string[];
  /** Absent: no owners (groups made before owners were modelled). */
  ownerIds?: string[];
  [property: string]: unknown;
}

export type OwnedAppRecord = z.output<typeof seedOwnedAppSchema>;

export interface SkuRecord { skuId: string; skuPartNumber: string; enabled: number; consumedUnits: number; suspended?: number; warning?: number }
export interface DirectoryRoleRecord { id: string; displayName: string; roleTemplateId?: string }

export interface SimulatorState {
  tenantId: string;
  verifiedDomains: string[];
  users: Map<string, UserRecord>;
  deletedUsers: Map<string, UserRecord>;
  groups: Map<string, GroupRecord>;
  skus: Map<string, SkuRecord>;
  directoryRoles: Map<string, DirectoryRoleRecord>;
  applications: Map<string, OwnedAppRecord>;
  servicePrincipals: Map<string, OwnedAppRecord>;
  devices: Map<string, DeviceRecord>;
  managedDevices: Map<string, ManagedDeviceRecord>;
  /** User id → epoch ms before which other endpoints do not see the just-created user. */
  replicatingUntil: Map<string, number>;
  temporaryAccessPassPolicy: TemporaryAccessPassPolicy;
}

export interface TenantSnapshot {
  users: UserRecord[];
  deletedUsers: UserRecord[];
  groups: GroupRecord[];
  subscribedSkus: SkuRecord[];
  devices: DeviceRecord[];
  managedDevices: ManagedDeviceRecord[];
}

export interface FaultRule {
  method?: string;
  path: RegExp | string;
  status: 429 | 503 | 504 | 500 | 400 | 403 | 404;
  times?: number;
  retryAfterSeconds?: number;
  code?: string;
  message?: string;
}

/** One request as the router sees it: path without `/v1.0`, already-parsed JSON body. */
export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** What handlers need besides the request. */
export interface SimContext {
  state: SimulatorState;
  /** `https://localhost:PORT/v1.0` */
  baseUrl: string;
  /** How long a user created by POST /users stays invisible to other endpoints (0 = off). */
  replicationDelayMs?: number;
  /** false: the tenant has no Entra ID P1, so `signInActivity` is refused (403), as Graph does. */
  signInActivityAvailable?: boolean;
  /** Application permissions the app's token carries (app-roles.ts); absent: DEFAULT_APP_ROLES. */
  appRoles?: ReadonlySet<string>;
}

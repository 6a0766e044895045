import type { ClearableAttribute, Employee } from '../../domain/events';
import type { DirectoryUser, UserPatch } from '../../graph/users';

/** The Entra attributes HR owns, from the canonical employee. */
export function hrOwnedAttributes(employee: Employee, usageLocation: string | undefined): UserPatch {
  const attributes: UserPatch = {
    givenName: employee.givenName,
    surname: employee.surname,
    employeeType: employee.employeeType,
    employeeHireDate: employee.hireDate ? new Date(employee.hireDate).toISOString() : undefined,
    department: employee.department,
    jobTitle: employee.jobTitle,
    companyName: employee.companyName,
    officeLocation: employee.officeLocation,
    city: employee.city,
    country: employee.country,
    usageLocation,
    mobilePhone: employee.mobilePhone,
  };
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined)) as UserPatch;
}

/** Entra's property for each attribute a source may clear (hireDate is employeeHireDate). */
const GRAPH_PROPERTY: Record<ClearableAttribute, keyof UserPatch> = {
  givenName: 'givenName',
  surname: 'surname',
  department: 'department',
  jobTitle: 'jobTitle',
  employeeType: 'employeeType',
  companyName: 'companyName',
  officeLocation: 'officeLocation',
  city: 'city',
  country: 'country',
  mobilePhone: 'mobilePhone',
  hireDate: 'employeeHireDate',
};

/** The attributes the source sent as null, as Graph clears them: set to null in a PATCH. */
export function clearedAttributes(employee: Employee): UserPatch {
  return Object.fromEntries((employee.clear ?? []).map((attribute) => [GRAPH_PROPERTY[attribute], null])) as UserPatch;
}

/** Only what differs; an attribute HR did not send is left as it is in Entra, and one already empty needs no clearing. */
export function changedAttributes(current: DirectoryUser, wanted: UserPatch): UserPatch {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wanted)) {
    const existing = (current as Record<string, unknown>)[key];
    if (key === 'employeeHireDate' && typeof existing === 'string' && typeof value === 'string') {
      if (new Date(existing).getTime() === new Date(value).getTime()) continue;
    }
    if (value === null && (existing === null || existing === undefined || existing === '')) continue;
    if (existing !== value) patch[key] = value;
  }
  return patch as UserPatch;
}

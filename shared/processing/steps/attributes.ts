import type { Employee } from '../../domain/events';
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

/** Only what differs; an attribute HR did not send is left as it is in Entra. */
export function changedAttributes(current: DirectoryUser, wanted: UserPatch): UserPatch {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wanted)) {
    const existing = (current as Record<string, unknown>)[key];
    if (key === 'employeeHireDate' && typeof existing === 'string' && typeof value === 'string') {
      if (new Date(existing).getTime() === new Date(value).getTime()) continue;
    }
    if (existing !== value) patch[key] = value;
  }
  return patch as UserPatch;
}

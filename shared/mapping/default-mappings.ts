/**
 * The mappings every tenant has unless its mapping file says otherwise. They reproduce what the
 * intake always did (shared/intake/scim.ts and csv.ts before mappings existed), and derive names
 * from a display name when the record has none ("Doe, Jane" and "Jane Doe"), so every record of
 * Microsoft's inbound-provisioning samples can be provisioned. Canonical JSON (hr-json) has no
 * default mapping: it is read as it is.
 */

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Given name from a display name: after the comma of "Last, First", else the first word of "First Last". */
export function givenNameFrom(displayName: string): string {
  return String.raw`IIF(InStr(${displayName}, ",") > 0, Replace(${displayName}, , "^[^,]*,\s*", , "", , ), IIF(InStr(${displayName}, " ") > 0, Replace(${displayName}, , "\s.*$", , "", , ), ""))`;
}

/** Surname from a display name: before the comma of "Last, First", else what follows the first word of "First Last". */
export function surnameFrom(displayName: string): string {
  return String.raw`IIF(InStr(${displayName}, ",") > 0, Replace(${displayName}, , "\s*,.*$", , "", , ), IIF(InStr(${displayName}, " ") > 0, Replace(${displayName}, , "^\S+\s+", , "", , ), ""))`;
}

/** An attribute of the work address, else of the primary address (as the intake always chose it). */
function workAddress(attribute: string): string {
  return `IIF(IsPresent([addresses[type eq "work"].type]), [addresses[type eq "work"].${attribute}], [addresses[primary eq true].${attribute}])`;
}

const workCountry = workAddress('country');

export interface SourceMappingText {
  type: string;
  attributes: Record<string, string>;
}

/** Entra's default mapping for API-driven inbound provisioning, as the intake always read a SCIM User. */
export const DEFAULT_SCIM_MAPPING: SourceMappingText = {
  // `active: false` is a leaver; anything else (true, absent) a joiner, which updates an existing account.
  type: 'Switch(ToLower([active]), "joiner", "false", "leaver")',
  attributes: {
    employeeId: '[externalId]',
    givenName: `Coalesce([name.givenName], ${givenNameFrom('[displayName]')})`,
    surname: `Coalesce([name.familyName], ${surnameFrom('[displayName]')})`,
    displayName: '[displayName]',
    // An HR login in another domain (bjensen@example.com) is not a UPN here: the template builds one.
    userPrincipalName: 'TenantUpn([userName])',
    jobTitle: '[title]',
    employeeType: '[userType]',
    city: workAddress('locality'),
    country: workCountry,
    mobilePhone: '[phoneNumbers[type eq "mobile"].value]',
    department: `[${ENTERPRISE}:department]`,
    companyName: `[${ENTERPRISE}:organization]`,
    managerEmployeeId: `[${ENTERPRISE}:manager.value]`,
    hireDate: 'Coalesce([urn:*:hireDate], [urn:*:FirstDayOfWork], [urn:*:StartDate])',
    leaveDate: 'Coalesce([urn:*:leaveDate], [urn:*:TerminationDate], [urn:*:LastDayOfWork], [urn:*:EndDate])',
    officeLocation: 'Coalesce([urn:*:officeLocation], [urn:*:Location])',
    // A two-letter work country doubles as the usage location when no extension gives one.
    usageLocation: `Coalesce([urn:*:usageLocation], [urn:*:TwoLetterCountryCode], IIF(Replace(${workCountry}, , "^[A-Za-z]{2}$", , "", , ) = "", ToUpper(${workCountry}), ""))`,
    // Entra maps active to accountEnabled: an existing disabled account of an active worker is enabled.
    accountEnabled: '[active]',
  },
};

/**
 * Microsoft's AttributeMapping.psd1 for csv-with-2-records.csv: WorkerID is the employee id and
 * WorkerStatus decides joiner/leaver. UserID (EMP1222) is not a UPN, so the UPN template applies;
 * OfficePhone is a work number, not a mobile.
 */
export const DEFAULT_CSV_MAPPING: SourceMappingText = {
  type: 'Switch(ToLower([WorkerStatus]), , "active", "joiner", "inactive", "leaver", "terminated", "leaver")',
  attributes: {
    employeeId: '[WorkerID]',
    givenName: `Coalesce([FirstName], ${givenNameFrom('[FullName]')})`,
    surname: `Coalesce([LastName], ${surnameFrom('[FullName]')})`,
    displayName: '[FullName]',
    employeeType: '[WorkerType]',
    jobTitle: '[JobTitle]',
    department: '[Department]',
    companyName: '[Company]',
    officeLocation: '[Location]',
    city: '[City]',
    country: '[CountryCode]',
    usageLocation: '[CountryCode]',
    hireDate: '[HireDate]',
    managerEmployeeId: '[ManagerID]',
  },
};

/**
 * BambooHR through its connector (shared/connectors/bamboohr.ts): the Get Employee record's fields
 * (documentation.bamboohr.com/docs/list-of-field-names). The employee ID is BambooHR's immutable
 * `id`, the one its webhooks name; `supervisorEId` is the supervisor's. `[webhook.change]` is what
 * the notice said (`created` also for an employee the connector has never mapped before); an
 * `Inactive` status (a termination) is a leaver whatever the notice. BambooHR's empty dates
 * (`0000-00-00`) never reach the mapping.
 */
export const DEFAULT_BAMBOOHR_MAPPING: SourceMappingText = {
  type: 'IIF(ToLower([status]) = "inactive", "leaver", Switch([webhook.change], "mover", "created", "joiner", "left", "leaver", "deleted", "leaver"))',
  attributes: {
    employeeId: '[id]',
    givenName: `Coalesce([firstName], ${givenNameFrom('[displayName]')})`,
    surname: `Coalesce([lastName], ${surnameFrom('[displayName]')})`,
    displayName: '[displayName]',
    jobTitle: '[jobTitle]',
    department: '[department]',
    employeeType: '[employmentHistoryStatus]',
    officeLocation: '[location]',
    country: '[country]',
    mobilePhone: '[mobilePhone]',
    hireDate: '[hireDate]',
    leaveDate: '[terminationDate]',
    managerEmployeeId: '[supervisorEId]',
  },
};

/**
 * HiBob through its connector (shared/connectors/hibob.ts): the record `POST /v1/people/{id}`
 * returns, top-level fields by name and the rest by category (`[work.department]`). Bob's own ids
 * are 19 digits, longer than Entra's employeeId allows, so the employee ID is the company's
 * (`work.employeeIdInCompany`, "Employee ID" in Bob), and the manager's is read beside
 * `work.reportsTo`. List fields (department, site, title, country) are item ids in machine format:
 * their names are under `humanReadable`. A `terminated` lifecycle status is a leaver; on leave is not.
 */
export const DEFAULT_HIBOB_MAPPING: SourceMappingText = {
  type: 'IIF(ToLower([internal.lifecycleStatus]) = "terminated", "leaver", Switch([webhook.change], "mover", "created", "joiner", "left", "leaver", "deleted", "leaver"))',
  attributes: {
    employeeId: '[work.employeeIdInCompany]',
    givenName: `Coalesce([firstName], ${givenNameFrom('[displayName]')})`,
    surname: `Coalesce([surname], ${surnameFrom('[displayName]')})`,
    displayName: '[displayName]',
    jobTitle: '[humanReadable.work.title]',
    department: '[humanReadable.work.department]',
    officeLocation: '[humanReadable.work.site]',
    country: '[humanReadable.address.country]',
    hireDate: '[work.startDate]',
    leaveDate: '[internal.terminationDate]',
    managerEmployeeId: '[work.reportsTo.employeeIdInCompany]',
  },
};

/**
 * A polled HR report (shared/polling): a Workday RaaS-style custom report, JSON (`Report_Entry`
 * objects keyed by the columns' XML aliases) or CSV (a header row), read the same way. Reports have
 * whatever columns their author chose, so this default reads the aliases of a typical worker report
 * and a tenant's mapping names its own. The type says only whether the worker is active (joiner) or
 * terminated (leaver); the poller's diff decides joiner, mover, leaver or rehire from the snapshot.
 */
export const DEFAULT_REPORT_MAPPING: SourceMappingText = {
  type: 'Switch(ToLower([Worker_Status]), "joiner", "terminated", "leaver", "inactive", "leaver")',
  attributes: {
    employeeId: '[Employee_ID]',
    givenName: `Coalesce([First_Name], ${givenNameFrom('[Preferred_Name]')})`,
    surname: `Coalesce([Last_Name], ${surnameFrom('[Preferred_Name]')})`,
    displayName: '[Preferred_Name]',
    jobTitle: '[Business_Title]',
    employeeType: '[Worker_Type]',
    department: '[Department]',
    companyName: '[Company]',
    officeLocation: '[Location]',
    city: '[City]',
    country: '[Country_ISO_Code]',
    usageLocation: '[Country_ISO_Code]',
    hireDate: '[Hire_Date]',
    leaveDate: '[Termination_Date]',
    managerEmployeeId: '[Manager_Employee_ID]',
  },
};

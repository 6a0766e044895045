import type { Employee } from './events';
import { InvalidWorkerDataError } from './errors';

/** Letters NFKD does not decompose into ASCII plus a combining mark. */
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', þ: 'th', ł: 'l', ı: 'i', ŧ: 't', ħ: 'h',
};

/** Entra's limit for the part of a UPN before the @. */
const MAX_LOCAL_PART = 64;

/** `José Müller` → `jose muller`; apostrophes vanish (`O'Brien` → `obrien`), other marks become separators. */
export function toAsciiToken(value: string): string {
  const lowered = value.trim().toLowerCase();
  const mapped = [...lowered].map((ch) => SPECIAL_LETTERS[ch] ?? ch).join('');
  return mapped
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’`´]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export interface UpnChoice {
  upn: string;
  /** Why the UPN differs from the plain template result, for the ledger. */
  notes: string[];
}

/**
 * Builds a UPN from the template (`{givenName}`, `{surname}`, `{givenInitial}`, `{employeeId}`).
 * `attempt` 0 is the plain name; attempt n ≥ 1 appends n + 1 (`ada.lovelace2`) because the
 * earlier names were taken by someone else.
 */
export function buildUserPrincipalName(employee: Employee, template: string, domain: string, attempt = 0): UpnChoice {
  const given = toAsciiToken(employee.givenName ?? '');
  const surname = toAsciiToken(employee.surname ?? '');
  if (template.includes('{givenName}') || template.includes('{givenInitial}')) {
    if (!given) throw new InvalidWorkerDataError('employee.givenName', 'is needed to build the userPrincipalName and has no usable letters');
  }
  if (template.includes('{surname}') && !surname) {
    throw new InvalidWorkerDataError('employee.surname', 'is needed to build the userPrincipalName and has no usable letters');
  }
  const base = template
    .replace(/\{givenName\}/g, given)
    .replace(/\{givenInitial\}/g, given.slice(0, 1))
    .replace(/\{surname\}/g, surname)
    .replace(/\{employeeId\}/g, toAsciiToken(employee.employeeId))
    .replace(/[^a-z0-9._-]/g, '')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+|[.-]+$/g, '');
  if (!base) throw new InvalidWorkerDataError('employee', `the UPN template ${template} gives an empty name`);
  const suffix = attempt > 0 ? String(attempt + 1) : '';
  const localPart = `${base.slice(0, MAX_LOCAL_PART - suffix.length).replace(/[.-]+$/, '')}${suffix}`;
  const notes: string[] = [];
  const plain = `${employee.givenName ?? ''}${employee.surname ?? ''}`.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (plain !== `${given}${surname}`.replace(/-/g, '')) notes.push('name transliterated to ASCII for the UPN');
  if (attempt > 0) notes.push(`${base}@${domain} was taken, used suffix ${suffix}`);
  return { upn: `${localPart}@${domain}`, notes };
}

/** Exchange's alias: the UPN's local part without characters it refuses. */
export function buildMailNickname(localPart: string): string {
  return localPart.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 64) || 'user';
}

export function buildDisplayName(employee: Employee): string {
  if (employee.displayName) return employee.displayName;
  const name = [employee.givenName, employee.surname].filter(Boolean).join(' ');
  return name || employee.employeeId;
}

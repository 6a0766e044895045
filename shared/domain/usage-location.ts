import type { Employee } from './events';

/**
 * Entra's usageLocation is an ISO 3166-1 alpha-2 code and licences cannot be assigned without
 * one. HR feeds send codes, names and the odd habit (`UK`); this turns them into the code and
 * says when it corrected something, so the ledger shows what was recorded and why.
 */

export type UsageLocationResult =
  | { ok: true; code: string; corrected?: { from: string; reason: string } }
  | { ok: false; reason: string };

/** Region codes ICU names that are not ISO 3166-1 countries (exceptional reservations, groupings). */
const NOT_COUNTRIES = new Set(['AC', 'CP', 'CQ', 'DG', 'EA', 'IC', 'TA', 'EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);

/** Common non-ISO spellings HR systems send; keys are normalised (lower case, letters only). */
const ALIASES: Record<string, string> = {
  uk: 'GB', england: 'GB', scotland: 'GB', wales: 'GB', northernireland: 'GB', greatbritain: 'GB', britain: 'GB',
  usa: 'US', unitedstatesofamerica: 'US', america: 'US', holland: 'NL', thenetherlands: 'NL',
  southkorea: 'KR', korea: 'KR', russia: 'RU', czechia: 'CZ', czechrepublic: 'CZ', uae: 'AE', turkey: 'TR', turkiye: 'TR',
  vietnam: 'VN', ivorycoast: 'CI', cotedivoire: 'CI', hongkong: 'HK', macau: 'MO', macao: 'MO',
};

interface CountryTable {
  codes: Set<string>;
  byName: Map<string, string>;
  /** Withdrawn or reserved codes (UK, YU, ZR…) and the code that replaced them. */
  replaced: Map<string, string>;
}

let countryTable: CountryTable | undefined;

function normaliseName(value: string): string {
  return value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');
}

/** Built once from ICU's region names (full ICU ships with Node), so no hand-kept country list. */
function countries(): CountryTable {
  if (countryTable) return countryTable;
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const codes = new Set<string>();
  const byName = new Map<string, string>();
  const replaced = new Map<string, string>();
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (NOT_COUNTRIES.has(code)) continue;
      const name = names.of(code);
      if (!name || name === code || name === 'Unknown Region') continue;
      const canonical = Intl.getCanonicalLocales(`und-${code}`)[0]?.slice(4);
      if (canonical && canonical !== code) {
        replaced.set(code, canonical);
        continue;
      }
      codes.add(code);
      byName.set(normaliseName(name), code);
    }
  }
  countryTable = { codes, byName, replaced };
  return countryTable;
}

/** Resolves one value (a code or a country name). */
export function resolveCountryCode(value: string): UsageLocationResult {
  const trimmed = value.trim();
  const upper = trimmed.toUpperCase();
  const table = countries();
  if (/^[A-Za-z]{2}$/.test(trimmed) && table.codes.has(upper)) {
    return upper === trimmed ? { ok: true, code: upper } : { ok: true, code: upper, corrected: { from: trimmed, reason: 'upper-cased' } };
  }
  const successor = /^[A-Za-z]{2}$/.test(trimmed) ? table.replaced.get(upper) : undefined;
  if (successor) return { ok: true, code: successor, corrected: { from: trimmed, reason: `${upper} is not an ISO 3166-1 code; ${successor} is` } };
  const key = normaliseName(trimmed);
  const alias = ALIASES[key];
  if (alias) return { ok: true, code: alias, corrected: { from: trimmed, reason: `${trimmed} is not an ISO 3166-1 code` } };
  const byName = table.byName.get(key);
  if (byName) return { ok: true, code: byName, corrected: { from: trimmed, reason: 'country name converted to its ISO 3166-1 code' } };
  return { ok: false, reason: 'is not an ISO 3166-1 alpha-2 code or a country name we recognise' };
}

/** The usage location for a worker: an explicit usageLocation wins over the country. */
export function usageLocationFor(employee: Pick<Employee, 'usageLocation' | 'country'>): UsageLocationResult | undefined {
  const value = employee.usageLocation ?? employee.country;
  return value === undefined ? undefined : resolveCountryCode(value);
}

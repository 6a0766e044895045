import { getJson, type TenantRow } from './api';
import { h, select } from './dom';

let cached: Promise<TenantRow[]> | undefined;

/** The tenants route answers a list (or `{ tenants }`); read once per page load for the filters. */
export function tenantRows(fresh = false): Promise<TenantRow[]> {
  if (fresh || !cached) {
    cached = getJson<TenantRow[] | { tenants: TenantRow[] }>('tenants').then((body) => (Array.isArray(body) ? body : body.tenants));
    cached.catch(() => (cached = undefined));
  }
  return cached;
}

/** A labelled tenant select: "All tenants" (when allowed) and each configured key. */
export async function tenantSelect(id: string, value: string, allowAll = true): Promise<{ field: HTMLElement; control: HTMLSelectElement }> {
  const rows = await tenantRows().catch(() => [] as TenantRow[]);
  const options = [...(allowAll ? [{ value: '', label: 'All tenants' }] : []), ...rows.map((t) => ({ value: t.key, label: t.displayName ? `${t.displayName} (${t.key})` : t.key }))];
  if (value && !options.some((o) => o.value === value)) options.push({ value, label: value });
  const control = select(id, 'tenant', options, value);
  return { field: h('div', { className: 'field' }, h('label', { for: id }, 'Tenant'), control), control };
}

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TableClient } from '@azure/data-tables';
import { tablesSdk } from '../runtime/sdk';
import type { Settings } from '../config/settings';
import { createTableClient } from '../ledger/table-ledger';

/**
 * One stored tenant configuration, read but not yet validated: the registry validates every
 * entry on its own, so one broken file or row never hides the others.
 */
export interface TenantSourceEntry {
  /** Where it came from, for operators: a file path, or `table:<rowKey>`. */
  origin: string;
  /** The name it is stored under (file name without `.json`, or row key); its `key` must equal it. */
  locationKey?: string;
  /** The parsed JSON; absent when it could not be parsed. */
  json?: unknown;
  /** Why it could not be parsed, without echoing its content. */
  parseError?: string;
}

/** Where customer tenants are configured. `read` fails only when the store as a whole cannot be read. */
export interface TenantSource {
  readonly description: string;
  read(): Promise<TenantSourceEntry[]>;
}

/**
 * JSON.parse's message quotes part of the text on newer Node versions; a config holds no
 * secret by design, but we still say only where it broke.
 */
export function parseTenantJson(text: string): Pick<TenantSourceEntry, 'json' | 'parseError'> {
  try {
    return { json: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    if (position === undefined) return { parseError: 'is not valid JSON' };
    const before = text.slice(0, Number(position)).split('\n');
    return { parseError: `is not valid JSON (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})` };
  }
}

/** One `<key>.json` file per tenant in a folder (not recursive), so configuration can live in git. */
export class FolderTenantSource implements TenantSource {
  readonly description: string;

  constructor(private readonly folder: string) {
    this.description = `folder ${folder}`;
  }

  async read(): Promise<TenantSourceEntry[]> {
    let names: string[];
    try {
      const dirents = await readdir(this.folder, { withFileTypes: true });
      names = dirents.filter((d) => d.isFile() && d.name.endsWith('.json')).map((d) => d.name);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? `folder ${this.folder} does not exist` : `folder ${this.folder} cannot be read (${code ?? (error as Error).message})`);
    }
    names.sort();
    return Promise.all(names.map((name) => this.readEntry(name)));
  }

  private async readEntry(name: string): Promise<TenantSourceEntry> {
    const origin = path.join(this.folder, name);
    const base = { origin, locationKey: name.slice(0, -'.json'.length) };
    try {
      return { ...base, ...parseTenantJson(await readFile(origin, 'utf8')) };
    } catch (error) {
      // A file that vanished or is unreadable is that tenant's problem, not the folder's.
      return { ...base, parseError: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
}

export const TENANT_PARTITION = 'tenant';

interface TenantRow {
  configJson?: unknown;
}

/** Rows of an Azure table (partition `tenant`, row key = tenant key, `configJson` column), for MSPs who manage tenants from a portal or script. */
export class TableTenantSource implements TenantSource {
  readonly description: string;

  constructor(private readonly table: TableClient) {
    this.description = `table ${table.tableName}`;
  }

  static fromSettings(settings: Settings): TableTenantSource {
    return new TableTenantSource(createTableClient(settings, settings.TENANTS_TABLE_NAME));
  }

  async read(): Promise<TenantSourceEntry[]> {
    const entries: TenantSourceEntry[] = [];
    try {
      const rows = this.table.listEntities<TenantRow>({ queryOptions: { filter: tablesSdk().odata`PartitionKey eq ${TENANT_PARTITION}` } });
      for await (const row of rows) entries.push(toEntry(row.rowKey, row.configJson));
    } catch (error) {
      // Not created yet: no customer tenants, rather than an outage. Reading never creates it,
      // so the app needs no write access to the tenant table.
      if (error instanceof tablesSdk().RestError && error.statusCode === 404) return [];
      throw error;
    }
    return entries.sort((a, b) => a.origin.localeCompare(b.origin));
  }
}

function toEntry(rowKey: string | undefined, configJson: unknown): TenantSourceEntry {
  const base = { origin: `table:${rowKey ?? ''}`, locationKey: rowKey ?? '' };
  if (typeof configJson !== 'string') return { ...base, parseError: 'has no configJson column (a string of JSON)' };
  return { ...base, ...parseTenantJson(configJson) };
}

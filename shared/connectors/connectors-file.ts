import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connectorsConfigSchema, type ConnectorsConfig } from './registry';

/** HR_CONNECTORS_FILE (or a tenant's `connectors`) is not valid: the problems name fields, never values. */
export class ConnectorsFileError extends Error {
  constructor(
    readonly origin: string,
    readonly problems: readonly string[],
  ) {
    super(`connectors ${origin} is not valid: ${problems.join('; ')}`);
    this.name = 'ConnectorsFileError';
  }
}

/** Validates a connectors configuration (the home tenant's file, parsed). */
export function parseConnectors(json: unknown, origin: string): ConnectorsConfig {
  const parsed = connectorsConfigSchema.safeParse(json);
  if (!parsed.success) throw new ConnectorsFileError(origin, parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`));
  return parsed.data;
}

/** Reads HR_CONNECTORS_FILE (relative to the app's working directory, as RULES_FILE is); unset: no connectors. */
export function loadConnectorsFile(file: string | undefined): ConnectorsConfig | undefined {
  if (file === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read as JSON';
    throw new ConnectorsFileError(file, [reason]);
  }
  return parseConnectors(json, file);
}

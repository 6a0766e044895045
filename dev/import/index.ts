// `npm run import -- feed.csv [--tenant key] [--mapping file]`: a large HR file (CSV, canonical JSON
// events, or a SCIM BulkRequest) posted to the HR route in chunks the intake takes, signed as an HR
// system signs, with a progress bar; then each accepted event followed to its end and a summary
// table printed: accepted, refused (with reasons and the file's lines), succeeded, dead-lettered by
// reason, still queued. docs/import.md.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HOME_TENANT } from '../../shared/domain/events';
import { DEV_HR_WEBHOOK_SECRET } from '../local-host/local-host';
import { chunkRecords, formatOfName, ImportFileError, parseImportFile, type Chunk, type ParsedFile } from './chunks';
import { followEvents, type EventOutcome } from './follow';
import { mapLocally, readMapping } from './local-mapping';
import { ImportStopped, postChunk, type ChunkResult, type Target } from './post-chunks';
import { Progress, summaryTable } from './report';

const USAGE = `usage: npm run import -- <file.csv|file.json> [options]
  --tenant <key>              a customer tenant (posts to /api/hr/tenants/<key>/events); default the home tenant
  --mapping <file>            map the records here with this mapping file (docs/mapping.md) and post the events it makes
  --upn-domain <domain>       with --mapping: the tenant's UPN domain (default UPN_DOMAIN)
  --format csv|json           when the file's extension is neither .csv nor .json
  --url <base>                the Function App (default LOCAL_HOST_URL, else http://localhost:7071)
  --secret-setting <NAME>     the environment variable holding the tenant's HR secret (default HR_WEBHOOK_SECRET)
  --function-key-setting <NAME>  the environment variable holding a function key (default HR_FUNCTION_KEY)
  --max-records <n>           records per request (default HR_MAX_RECORDS, else 500)
  --max-bytes <n>             bytes per request (default HR_MAX_BODY_BYTES, else 1048576)
  --wait <seconds>            how long to follow the events after posting (default 600); --no-follow: not at all`;

class UsageError extends Error {}

interface Options {
  file: string;
  tenant?: string;
  mapping?: string;
  upnDomain?: string;
  format: 'csv' | 'json';
  target: Target;
  limits: { maxRecords: number; maxBytes: number };
  waitMs?: number;
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} must be a positive whole number`);
  return n;
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

function readOptions(argv: string[], env: NodeJS.ProcessEnv): Options | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        tenant: { type: 'string' },
        mapping: { type: 'string' },
        'upn-domain': { type: 'string' },
        format: { type: 'string' },
        url: { type: 'string' },
        'secret-setting': { type: 'string' },
        'function-key-setting': { type: 'string' },
        'max-records': { type: 'string' },
        'max-bytes': { type: 'string' },
        wait: { type: 'string' },
        'no-follow': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the file to import' : 'name one file to import');
  const file = positionals[0] as string;
  const format = values.format ?? formatOfName(file);
  if (format !== 'csv' && format !== 'json') throw new UsageError(values.format ? '--format must be csv or json' : `${path.basename(file)}: the extension is neither .csv nor .json; say which with --format csv|json`);
  const tenant = values.tenant && values.tenant !== HOME_TENANT ? values.tenant : undefined;
  if (tenant !== undefined && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(tenant)) throw new UsageError('--tenant must be a tenant key (lower-case letters, digits and dashes)');
  const baseUrl = (values.url ?? env.LOCAL_HOST_URL ?? `http://localhost:${env.PORT ?? 7071}`).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) throw new UsageError('--url must be an http(s) URL');
  const secretSetting = values['secret-setting'] ?? 'HR_WEBHOOK_SECRET';
  // The local host's own dev secret is a fallback for the local host only: a real app has its own.
  const secret = env[secretSetting] || (isLoopback(baseUrl) && !values['secret-setting'] && !tenant ? DEV_HR_WEBHOOK_SECRET : undefined);
  if (!secret) throw new UsageError(`set ${secretSetting} to the ${tenant ? `tenant ${tenant}'s` : "home tenant's"} HR secret (or name another variable with --secret-setting)`);
  const functionKey = env[values['function-key-setting'] ?? 'HR_FUNCTION_KEY'];
  const waitSeconds = values['no-follow'] ? undefined : positive('--wait', values.wait, 600);
  return {
    file,
    format,
    ...(tenant ? { tenant } : {}),
    ...(values.mapping ? { mapping: values.mapping } : {}),
    ...(values['upn-domain'] ?? env.UPN_DOMAIN ? { upnDomain: values['upn-domain'] ?? env.UPN_DOMAIN } : {}),
    target: { baseUrl, secret, contentType: '', ...(tenant ? { tenant } : {}), ...(functionKey ? { functionKey } : {}) },
    limits: { maxRecords: positive('--max-records', values['max-records'] ?? env.HR_MAX_RECORDS, 500), maxBytes: positive('--max-bytes', values['max-bytes'] ?? env.HR_MAX_BODY_BYTES, 1_048_576) },
    ...(waitSeconds !== undefined ? { waitMs: waitSeconds * 1000 } : {}),
  };
}

/** The file as it is posted, and the records refused before posting (by the local mapping). */
function prepare(options: Options): { file: ParsedFile; early?: ChunkResult; total: number } {
  let text: string;
  try {
    text = readFileSync(options.file, 'utf8');
  } catch (error) {
    throw new ImportFileError(`${options.file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): nothing was posted`);
  }
  const mappings = options.mapping ? readMapping(options.mapping) : undefined;
  const file = parseImportFile(options.format, text, mappings);
  if (!mappings) return { file, total: file.records.length };
  const local = mapLocally(file, mappings, { tenantId: options.tenant ?? HOME_TENANT, upnDomains: options.upnDomain ? [options.upnDomain] : [], now: new Date() });
  const early: ChunkResult = { chunk: 0, records: local.refusedRecords, accepted: [], acceptedRecords: 0, refusedRecords: local.refusedRecords, refused: local.refused, status: 400 };
  return { file: local.file, total: file.records.length, ...(local.refusedRecords > 0 ? { early } : {}) };
}

/** Posts every chunk in order; a chunk the host finds too large is cut smaller, with the records after it. */
async function postAll(file: ParsedFile, options: Options, progress: Progress, offset: number, total: number): Promise<ChunkResult[]> {
  const limits = { ...options.limits };
  let chunks: Chunk[] = file.records.length > 0 ? chunkRecords(file, limits) : [];
  const results: ChunkResult[] = [];
  let done = offset;
  progress.update('posting', done, total);
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i] as Chunk;
    let result: ChunkResult;
    try {
      result = await postChunk(chunk, results.length, { ...options.target, contentType: file.contentType }, file.body);
    } catch (error) {
      if (error instanceof ImportStopped && done > offset) throw new ImportStopped(`${error.message}; ${done - offset} record(s) were posted before this chunk, the rest were not`);
      throw error;
    }
    if (result.tooLarge && chunk.records.length > 1) {
      // The host's HR_MAX_RECORDS or HR_MAX_BODY_BYTES is below what was assumed: the rest in smaller chunks.
      limits.maxRecords = Math.min(result.tooLarge.maxRecords ?? limits.maxRecords, Math.max(1, Math.floor(chunk.records.length / 2)));
      if (result.tooLarge.maxRecords === undefined) limits.maxBytes = Math.max(1, Math.floor(Buffer.byteLength(chunk.body) / 2));
      process.stderr.write(`the host refused a chunk of ${chunk.records.length} record(s) as too large; posting at most ${limits.maxRecords} record(s), ${limits.maxBytes} bytes a chunk\n`);
      chunks = [...chunks.slice(0, i), ...chunkRecords({ ...file, records: chunks.slice(i).flatMap((c) => c.records) }, limits)];
      i -= 1;
      continue;
    }
    results.push(result);
    done += chunk.records.length;
    progress.update('posting', done, total, `${results.reduce((n, r) => n + r.refusedRecords, 0) + offset} refused`);
  }
  return results;
}

async function main(argv: string[]): Promise<number> {
  const options = readOptions(argv, process.env);
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const { file, early, total } = prepare(options);
  const progress = new Progress();
  const posted = await postAll(file, options, progress, early?.refusedRecords ?? 0, total);
  const results = early ? [early, ...posted] : posted;
  const targetName = `${options.target.baseUrl} (tenant ${options.tenant ?? HOME_TENANT})`;
  const unique = [...new Map(posted.flatMap((r) => r.accepted).map((e) => [e.eventId, e])).values()];
  let outcomes: EventOutcome[] | undefined;
  const started = Date.now();
  if (options.waitMs !== undefined && unique.length > 0) {
    progress.update('following', 0, unique.length);
    outcomes = await followEvents(unique, { waitMs: options.waitMs, onProgress: (n) => progress.update('following', n, unique.length) });
  }
  console.log(summaryTable({ file: path.basename(options.file), target: targetName, records: total, results, ...(outcomes ? { outcomes, waitedMs: Date.now() - started } : {}) }));
  const refused = results.some((r) => r.refusedRecords > 0);
  const unfinished = outcomes?.some((o) => !['succeeded', 'skipped', 'scheduled'].includes(o.status)) ?? false;
  return refused || unfinished ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
    else if (error instanceof ImportFileError || error instanceof ImportStopped) console.error(`import stopped: ${error.message}`);
    else console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);

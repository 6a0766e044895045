import * as z from 'zod';
import { isLoopbackUrl } from '../config/settings';
import type { ResolveContext } from './port';

/** The name of an app setting that holds a secret (a Key Vault reference in Azure), never the secret. */
export const settingNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an app setting name');

/** Only for a local simulator of the HR API (a loopback address); refused in Azure when the request is made. */
export const apiBaseUrlSchema = z
  .string()
  .url()
  .refine((u) => isLoopbackUrl(u) && u.startsWith('https://'), 'is only for a local HR API simulator (an https loopback address)')
  .optional();

/** A webhook signing key or API secret the config names; the problem names the setting, never the value. */
export function readSecret(context: ResolveContext, field: string, setting: string, minLength = 1): { ok: true; value: string } | { ok: false; problem: string } {
  const read = context.namedSetting(setting, { minLength });
  return read.ok ? read : { ok: false, problem: `${field}: ${read.problem}` };
}

/**
 * The shortest signing key accepted. The HR system generates it, not us, so this is below our own
 * secrets' 32: it only catches a setting holding something else (a name, a truncated paste).
 */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

/** The API address: the public one, or in local runs a simulator's. */
export function apiBase(configured: string | undefined, publicBase: string, context: ResolveContext): { ok: true; base: string } | { ok: false; problem: string } {
  if (configured === undefined) return { ok: true, base: publicBase };
  if (context.runtime === 'azure') return { ok: false, problem: 'apiBaseUrl: is only for a local HR API simulator and is refused in Azure' };
  return { ok: true, base: configured.replace(/\/+$/, '') };
}

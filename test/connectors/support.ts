import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WebhookDelivery } from '../../dev/hr-simulators/https-server';
import type { TestHost } from '../support/test-host';

/** The dev certificate run-with-dev-ca.js made and trusts, for the HR API simulators' HTTPS. */
export function devTls(): { cert: string; key: string } {
  const cert = process.env.DEV_TLS_CERT_FILE;
  const key = process.env.DEV_TLS_KEY_FILE;
  if (!cert || !key || !process.env.NODE_EXTRA_CA_CERTS) {
    throw new Error('Run these tests through `node dev/run-with-dev-ca.js jest` so the dev certificate exists and is trusted.');
  }
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

/** A JSON file in a fresh folder (the connectors file, a tenant file); removed with `cleanup`. */
export function tempJson(name: string, content: unknown): { file: string; dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'connectors-'));
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(content));
  return { file, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What the app answered a notice: the events its changes become. */
export interface NoticeAnswer {
  received: number;
  queued: number;
  repeated: number;
  ignored: number;
  events: { eventId: string; employee: string; repeated: boolean }[];
}

export function answerOf(delivery: WebhookDelivery): NoticeAnswer {
  if (delivery.status !== 202) throw new Error(`expected 202 for the notice, got ${delivery.status}: ${delivery.response}`);
  return JSON.parse(delivery.response) as NoticeAnswer;
}

/** Waits for every event the notices became, and returns their statuses. */
export async function settled(host: TestHost, deliveries: WebhookDelivery[], timeoutMs = 30_000): Promise<Record<string, unknown>[]> {
  const ids = deliveries.flatMap((d) => answerOf(d).events.map((e) => e.eventId));
  return Promise.all([...new Set(ids)].map((id) => host.waitForStatus(id, undefined, timeoutMs)));
}

export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The fetch outcomes the host logged (one JSON line per fetch): ids and outcomes only. */
export function fetchLog(host: TestHost): { fetch: string; settled: string; eventId?: string; status?: string; detail: string }[] {
  return host.logs.flatMap((line) => {
    const start = line.indexOf('{"fetch":');
    if (start < 0) return [];
    try {
      return [JSON.parse(line.slice(start)) as { fetch: string; settled: string; eventId?: string; status?: string; detail: string }];
    } catch {
      return [];
    }
  });
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultCsvMapping, type IntakeOptions, type IntakeResult } from '../../shared/intake';
import type { FieldIssue, LifecycleEvent } from '../../shared/domain/events';

export const NOW = new Date('2026-11-20T10:00:00.000Z');

export const options: IntakeOptions = { now: NOW, tenantId: 'default', maxRecords: 10, csvMapping: defaultCsvMapping };

export function readSample(name: string): string {
  return readFileSync(path.resolve(__dirname, '../../reference/hr-samples', name), 'utf8');
}

export function eventsOf(result: IntakeResult): LifecycleEvent[] {
  if (!result.ok) throw new Error(`expected events, got issues: ${JSON.stringify(result.issues)}`);
  return result.events;
}

export function issuesOf(result: IntakeResult): FieldIssue[] {
  if (result.ok) throw new Error(`expected issues, got ${result.events.length} event(s)`);
  return result.issues;
}

import * as fs from 'node:fs';
import type { EncodedPropertiesPatch, StoredMessage } from './codec';

/**
 * One record of the append-only, JSON-lines journal kept per queue.
 * Replaying the records in order rebuilds the queue: live messages, dead letters,
 * delivery counts and the duplicate-detection history.
 */
export type JournalRecord =
  | { op: 'enqueue'; m: StoredMessage }
  | { op: 'deliver'; seq: number; count: number }
  | { op: 'complete'; seq: number }
  | { op: 'modify'; seq: number; props: EncodedPropertiesPatch }
  | { op: 'deadletter'; seq: number; reason?: string; description?: string }
  | { op: 'dead'; m: StoredMessage }
  | { op: 'remove-dead'; seq: number }
  | { op: 'dedup'; id: string; at: number }
  | { op: 'seq'; next: number };

/** Appends records synchronously, so a crash never loses an acknowledged operation. */
export class Journal {
  private fd: number | undefined;
  private appended = 0;

  constructor(readonly file: string) {}

  /** Reads every complete record; a torn last line (crash mid-write) is skipped. */
  read(): JournalRecord[] {
    if (!fs.existsSync(this.file)) return [];
    const records: JournalRecord[] = [];
    for (const line of fs.readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        records.push(JSON.parse(line) as JournalRecord);
      } catch {
        // torn write from a crash: everything before it is intact, ignore the fragment
      }
    }
    this.appended = records.length;
    return records;
  }

  get recordCount(): number {
    return this.appended;
  }

  append(...records: JournalRecord[]): void {
    if (records.length === 0) return;
    if (this.fd === undefined) this.fd = fs.openSync(this.file, 'a');
    fs.appendFileSync(this.fd, records.map((r) => JSON.stringify(r) + '\n').join(''));
    this.appended += records.length;
  }

  /** Atomically replaces the journal with a snapshot (write temp file, then rename). */
  rewrite(records: JournalRecord[]): void {
    this.close();
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, records.map((r) => JSON.stringify(r) + '\n').join(''));
    fs.renameSync(tmp, this.file);
    this.appended = records.length;
  }

  close(): void {
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

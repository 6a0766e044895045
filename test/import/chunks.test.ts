import { parseHrRequest } from '../../shared/intake';
import { chunkRecords, formatOfName, ImportFileError, parseImportFile } from '../../dev/import/chunks';
import { mapLocally } from '../../dev/import/local-mapping';
import { Progress } from '../../dev/import/report';
import { compileMappingFile } from '../../shared/mapping/mapping-file';
import { CSV_HEADER, csvRow } from './support';

const NOW = new Date('2026-11-30T09:00:00Z');
const csv = (rows: string[]) => `${[CSV_HEADER, ...rows].join('\r\n')}\r\n`;

describe('cutting an import file into requests', () => {
  it('when a CSV is cut, then every chunk is within both limits, keeps the header, and the intake reads the same events as from the whole file', () => {
    const rows = Array.from({ length: 120 }, (_, i) => csvRow({ id: `C${i}`, first: i % 7 === 0 ? '"Anne-Marie ""Nan"", Jr"' : undefined }));
    const file = parseImportFile('csv', csv(rows));
    const chunks = chunkRecords(file, { maxRecords: 25, maxBytes: 1500 });
    expect(chunks.length).toBeGreaterThan(120 / 25);
    for (const chunk of chunks) {
      expect(chunk.records.length).toBeLessThanOrEqual(25);
      expect(Buffer.byteLength(chunk.body)).toBeLessThanOrEqual(1500);
      expect(chunk.body.startsWith(`${CSV_HEADER}\r\n`)).toBe(true);
    }
    const options = { now: NOW, tenantId: 'default', maxRecords: 500 };
    const whole = parseHrRequest(csv(rows), 'text/csv', options);
    const cut = chunks.map((c) => parseHrRequest(c.body, 'text/csv', options));
    expect(cut.flatMap((r) => (r.ok ? r.events : []))).toEqual(whole.ok ? whole.events : []);
  });

  it("when a worker has several records, then they go in one chunk, in the file's order", () => {
    const rows = [csvRow({ id: 'A' }), csvRow({ id: 'B' }), csvRow({ id: 'A', status: 'Inactive' }), csvRow({ id: 'C' }), csvRow({ id: 'A', hireDate: '2021-01-04' })];
    const chunks = chunkRecords(parseImportFile('csv', csv(rows)), { maxRecords: 3, maxBytes: 1_000_000 });
    const where = chunks.map((c) => c.records.map((r) => r.label));
    expect(where).toEqual([['line 2', 'line 4', 'line 6'], ['line 3', 'line 5']]);
  });

  it('when one record alone is larger than a request may be, then the file is refused before anything is posted', () => {
    const file = parseImportFile('csv', csv([csvRow({ id: 'L', last: 'x'.repeat(400) })]));
    expect(() => chunkRecords(file, { maxRecords: 10, maxBytes: 300 })).toThrow(ImportFileError);
  });

  it('when a SCIM BulkRequest is cut, then each chunk is a BulkRequest of some of its operations', () => {
    const op = (n: number) => ({ method: 'POST', bulkId: `b${n}`, path: '/Users', data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], externalId: `S${n}`, userName: `s${n}@example.com`, active: true } });
    const bulk = { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: Array.from({ length: 7 }, (_, n) => op(n)) };
    const file = parseImportFile('json', JSON.stringify(bulk));
    expect(file.contentType).toBe('application/scim+json');
    const chunks = chunkRecords(file, { maxRecords: 3, maxBytes: 1_000_000 });
    expect(chunks.map((c) => (JSON.parse(c.body) as { Operations: unknown[] }).Operations.length)).toEqual([3, 3, 1]);
    expect(chunks[2]?.records[0]?.label).toBe('Operations[6]');
  });

  it('when a file is named, then .csv and .json say what it is and anything else is not guessed', () => {
    expect([formatOfName('feed.CSV'), formatOfName('dir.v2/events.json'), formatOfName('feed.txt'), formatOfName('feed')]).toEqual(['csv', 'json', undefined, undefined]);
  });
});

describe('--mapping: mapping the records on this machine', () => {
  const mappings = compileMappingFile(
    { sources: { 'hr-csv': { type: 'Switch(ToLower([Status]), , "hired", "joiner", "left", "leaver")', attributes: { employeeId: '[Personnel No]', givenName: '[First]', surname: '[Last]', hireDate: 'FormatDateTime([Start], , "dd.MM.yyyy", "yyyy-MM-dd")' } } } },
    'test mapping',
  );

  it("when rows are in the mapping's layout, then they become canonical events with stable ids, and a row it refuses is refused here with its worker's other rows", () => {
    const text = 'Personnel No,Status,First,Last,Start\r\nP1,hired,Ada,Lovelace,04.03.2024\r\nP2,hired,Alan,Turing,31.02.2024\r\nP2,left,Alan,Turing,\r\nP3,gone,Grace,Hopper,\r\n';
    const file = parseImportFile('csv', text, mappings);
    const first = mapLocally(file, mappings, { tenantId: 'default', upnDomains: [], now: NOW });
    const again = mapLocally(file, mappings, { tenantId: 'default', upnDomains: [], now: new Date(NOW.getTime() + 60_000) });
    expect(first.file.contentType).toBe('application/json');
    expect(first.file.records.map((r) => JSON.parse(r.text) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ type: 'joiner', employee: expect.objectContaining({ employeeId: 'P1', givenName: 'Ada', hireDate: '2024-03-04' }) }),
    ]);
    expect(again.file.records.map((r) => (JSON.parse(r.text) as { eventId: string }).eventId)).toEqual(first.file.records.map((r) => (JSON.parse(r.text) as { eventId: string }).eventId));
    expect(first.refusedRecords).toBe(3);
    expect(first.refused).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: 'Start', records: ['line 3'] }),
      expect.objectContaining({ field: 'Status', records: ['line 5'] }),
      expect.objectContaining({ field: '(worker)', records: ['line 4'] }),
    ]));
    const posted = parseHrRequest(first.file.body(first.file.records), 'application/json', { now: NOW, tenantId: 'default', maxRecords: 500 });
    expect(posted.ok && posted.events.map((e) => [e.type, e.source, e.employee.employeeId])).toEqual([['joiner', 'hr-json', 'P1']]);
  });

  it('when the file lacks a column the mapping needs, then the import is refused before anything is posted', () => {
    const file = parseImportFile('csv', 'Personnel No,First\r\nP1,Ada\r\n', mappings);
    expect(() => mapLocally(file, mappings, { tenantId: 'default', upnDomains: [], now: NOW })).toThrow(/Status.*required column/);
  });
});

describe('the progress bar', () => {
  const stream = (isTTY: boolean) => {
    const written: string[] = [];
    return { written, isTTY, write: (s: string) => written.push(s) > 0 };
  };

  it('when it writes to a terminal, then one line is redrawn in place and ended once', () => {
    const tty = stream(true);
    const progress = new Progress(tty as unknown as NodeJS.WriteStream);
    for (let done = 0; done <= 50; done += 10) progress.update('posting', done, 50);
    expect(tty.written.every((w) => w.startsWith('\r') || w === '\n')).toBe(true);
    expect(tty.written.filter((w) => w === '\n')).toHaveLength(1);
    expect(tty.written.at(-2)).toContain('[##############################] 50/50');
  });

  it('when it writes to a log, then it writes a plain line per tenth, not per update', () => {
    const log = stream(false);
    const progress = new Progress(log as unknown as NodeJS.WriteStream);
    for (let done = 0; done <= 1000; done++) progress.update('posting', done, 1000);
    expect(log.written.length).toBe(11);
    expect(log.written.every((w) => !w.includes('\r') && w.endsWith('\n'))).toBe(true);
  });
});

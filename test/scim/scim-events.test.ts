import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalServiceBus } from '../../dev/local-service-bus';
import { MemoryLedger } from '../../shared/ledger/memory-ledger';
import type { QueueSender } from '../../shared/messaging/types';
import { listUsers } from '../../shared/scim/list-users';
import { TableScimUserStore, type ScimUserStore } from '../../shared/scim/store';
import { createUser, deleteUser, patchUser, replaceUser, type ScimDeps } from '../../shared/scim/users';
import { workerKey } from '../../shared/scim/ids';
import { createTableClient } from '../../shared/ledger/table-ledger';
import { createTenantRegistry, type ReadyTenant } from '../../shared/tenancy/tenant-registry';
import { homePolicy, localSettings } from '../tenancy/fixtures';
import { PATCH_OP, scimUser } from './support';

/**
 * The /Users operations below HTTP, against Azurite's Table storage and the in-process Service
 * Bus (the transports), to see what HTTP cannot show: which events a request queues, under which
 * ids, and what happens when the queue fails after the User was written.
 */
const QUEUE = 'lifecycle-events';
let bus: LocalServiceBus;
let tenant: ReadyTenant;
let store: ScimUserStore;

beforeAll(async () => {
  bus = await LocalServiceBus.open({ dataDir: mkdtempSync(path.join(tmpdir(), 'scim-bus-')), log: () => undefined });
  bus.createQueue(QUEUE, { requiresSession: true, requiresDuplicateDetection: true });
  const settings = localSettings({ SCIM_BEARER_TOKEN: 'unit-scim-token-0123456789abcdefghijkl', AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION_STRING as string, LEDGER_TABLE_NAME: `scim${randomBytes(6).toString('hex')}` });
  const home = await createTenantRegistry(settings, {}, homePolicy).lookup('default');
  if (home?.state !== 'ready') throw new Error('home tenant not ready');
  tenant = home.tenant;
  store = new TableScimUserStore(createTableClient(settings, settings.LEDGER_TABLE_NAME));
});
afterAll(() => bus.close());

/** A queue that refuses the next `failures` sends, as Service Bus does while it is unavailable. */
function flakyQueue(failures: number): { sender: QueueSender; sent: () => number } {
  const real = bus.createSender(QUEUE);
  let left = failures;
  let sent = 0;
  return {
    sender: {
      ...real,
      sendMessages: async (messages) => {
        if (left-- > 0) throw new Error('ServiceUnavailable');
        sent++;
        return real.sendMessages(messages);
      },
      createMessageBatch: (options) => real.createMessageBatch(options),
      scheduleMessages: (messages, at) => real.scheduleMessages(messages, at),
      close: () => real.close(),
    },
    sent: () => sent,
  };
}

function depsWith(ledger: MemoryLedger, queue: QueueSender): ScimDeps {
  return { tenant, store, ledger, processingQueue: queue, now: () => new Date(), base: 'https://app.example/api/scim/v2' };
}

async function lastEventOf(externalId: string) {
  return (await store.get(tenant.key, workerKey(tenant.key, externalId)))?.event;
}

describe('the events SCIM requests make', () => {
  it('when a User is created, replaced, patched and deleted, then the events are joiner, mover, leaver in order, each under its own id, queued and in the ledger', async () => {
    const ledger = new MemoryLedger();
    const deps = depsWith(ledger, bus.createSender(QUEUE));
    const created = await createUser(scimUser('EVT1'), deps);
    const id = (created.body as { id: string }).id;
    const joiner = await lastEventOf('EVT1');
    await replaceUser(id, scimUser('EVT1', { title: 'Senior Analyst' }), deps);
    const mover = await lastEventOf('EVT1');
    await patchUser(id, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] }, deps);
    const leaver = await lastEventOf('EVT1');
    expect([joiner?.type, mover?.type, leaver?.type]).toEqual(['joiner', 'mover', 'leaver']);
    expect(mover?.employee).toMatchObject({ employeeId: 'EVT1', jobTitle: 'Senior Analyst' });
    expect(mover?.employee.accountEnabled).toBeUndefined();
    expect(new Set([joiner?.eventId, mover?.eventId, leaver?.eventId]).size).toBe(3);
    for (const event of [joiner, mover, leaver]) expect(await ledger.get(event!.eventId)).toBeDefined();
    expect(joiner?.source).toBe('hr-scim');

    // Gone and still gone: a DELETE after the leaver makes no second leaver (the mass-leaver guard counts each).
    await deleteUser(id, deps);
    expect((await lastEventOf('EVT1'))?.eventId).toBe(leaver?.eventId);
  });

  it('when a worker goes A → B → A → B, then each change is its own event: the id follows the event before it, not only the content', async () => {
    const deps = depsWith(new MemoryLedger(), bus.createSender(QUEUE));
    const id = ((await createUser(scimUser('EVT2'), deps)).body as { id: string }).id;
    const ids: string[] = [];
    for (const title of ['B', 'A', 'B']) {
      await replaceUser(id, scimUser('EVT2', { title }), deps);
      ids.push((await lastEventOf('EVT2'))!.eventId);
    }
    expect(new Set(ids).size).toBe(3);
  });

  it('when a PATCH changes only what the mapping does not read (emails), then no event is queued', async () => {
    const deps = depsWith(new MemoryLedger(), bus.createSender(QUEUE));
    const id = ((await createUser(scimUser('EVT3'), deps)).body as { id: string }).id;
    const before = await lastEventOf('EVT3');
    const answer = await patchUser(id, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'emails', value: [{ type: 'work', value: 'e3@example.com' }] }] }, deps);
    expect((answer.body as { emails: unknown[] }).emails).toHaveLength(1);
    expect((await lastEventOf('EVT3'))?.eventId).toBe(before?.eventId);
  });

  it('when the queue fails after the User was written, then the client gets the error, and its retry queues the same event once and answers 201', async () => {
    const ledger = new MemoryLedger();
    const flaky = flakyQueue(1);
    const deps = depsWith(ledger, flaky.sender);
    await expect(createUser(scimUser('EVT4'), deps)).rejects.toThrow('ServiceUnavailable');
    const pending = await lastEventOf('EVT4');
    expect(pending?.type).toBe('joiner');
    expect(await ledger.get(pending!.eventId)).toBeUndefined();

    const retried = await createUser(scimUser('EVT4'), deps);
    expect(retried.status).toBe(201);
    expect(await ledger.get(pending!.eventId)).toBeDefined();
    expect(flaky.sent()).toBe(1);
    // After that, the same create is the conflict it now is.
    await expect(createUser(scimUser('EVT4'), deps)).rejects.toMatchObject({ status: 409, scimType: 'uniqueness' });
  });

  it('when the queue failed and the client sends another change instead, then the pending event is queued first, then the new one', async () => {
    const ledger = new MemoryLedger();
    const flaky = flakyQueue(1);
    const deps = depsWith(ledger, flaky.sender);
    await expect(createUser(scimUser('EVT5'), deps)).rejects.toThrow('ServiceUnavailable');
    const joiner = await lastEventOf('EVT5');
    const id = `${workerKey(tenant.key, 'EVT5')}.1`;
    await patchUser(id, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Lead' }] }, deps);
    const mover = await lastEventOf('EVT5');
    expect(mover?.type).toBe('mover');
    expect((await ledger.get(joiner!.eventId))!.acceptedAt <= (await ledger.get(mover!.eventId))!.acceptedAt).toBe(true);
  });
});

describe('filters that would read too much', () => {
  it('when a filter that is not a point read meets more Users than the scan bound, then 400 tooMany; a point read still answers', async () => {
    const deps = { ...depsWith(new MemoryLedger(), bus.createSender(QUEUE)), filterScanLimit: 2 };
    for (const n of [1, 2, 3]) await createUser(scimUser(`MANY${n}`), deps);
    await expect(listUsers({ filter: 'title eq "Analyst"', selection: {} }, deps)).rejects.toMatchObject({ status: 400, scimType: 'tooMany' });
    const point = await listUsers({ filter: 'externalId eq "MANY3"', selection: {} }, deps);
    expect(point.body).toMatchObject({ totalResults: 1 });
  });
});

import { GraphGovernor } from '../../shared/graph/governor';
import { scopeKey, serviceScopeOf } from '../../shared/graph/service-scope';

const settledWithin = async (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe('throttling per Graph service', () => {
  it('when a request is to a mailbox, a drive or Intune, then it is in that service\'s scope; anything else is the directory\'s', () => {
    const key = (url: string) => scopeKey(serviceScopeOf(url));
    expect(key('https://graph.microsoft.com/v1.0/users/U1/mailboxSettings')).toBe('outlook:u1');
    expect(key('https://graph.microsoft.com/v1.0/users/u1/mailFolders/inbox/messageRules')).toBe('outlook:u1');
    expect(key('https://graph.microsoft.com/v1.0/users/u2/sendMail')).toBe('outlook:u2');
    expect(key('https://graph.microsoft.com/v1.0/users/u1/drive')).toBe('sharepoint');
    expect(key('https://graph.microsoft.com/v1.0/drives/d1/items/root/invite')).toBe('sharepoint');
    expect(key('https://graph.microsoft.com/v1.0/deviceManagement/managedDevices/m1/wipe')).toBe('intune');
    expect(key('https://graph.microsoft.com/v1.0/users/u1/managedDevices')).toBe('intune');
    for (const url of ['https://graph.microsoft.com/v1.0/users/u1', 'https://graph.microsoft.com/v1.0/groups/g1/members/$ref', 'https://graph.microsoft.com/v1.0/$batch', 'https://graph.microsoft.com/v1.0/users/u1/memberOf']) {
      expect(key(url)).toBe('directory');
    }
  });

  it("when a mailbox answers 429, then only that mailbox's requests wait: the directory's gate, window and write rate are untouched", async () => {
    const governor = new GraphGovernor({ writesPerSecond: 20, initialConcurrency: 8, maxConcurrency: 32 });
    const before = governor.snapshot();
    (await governor.acquire(true, false, 1, 'outlook:u1'))({ status: 429, isWrite: true, retryAfterMs: 60_000 });

    expect(governor.snapshot()).toMatchObject({ concurrency: before.concurrency, writesPerSecond: before.writesPerSecond, gateOpensInMs: 0 });
    expect(await settledWithin(governor.acquire(true), 200)).toBe(true);
    expect(await settledWithin(governor.acquire(false, false, 1, 'outlook:u2'), 200)).toBe(true);
    expect(await settledWithin(governor.acquire(false, false, 1, 'outlook:u1'), 200)).toBe(false);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

interface WorkerProbe {
  functions: string[];
  trigger: Record<string, unknown>;
  loadedAtImport: boolean;
  loadedAfterMessage: boolean;
  error?: string;
  message?: { messageId: string; sessionId: string; lockToken: string; body: unknown; applicationProperties: Record<string, unknown> };
  actions?: string[];
}

/** Loads an app entry the way the Functions worker does and hands process-event one Service Bus message (functions-worker-probe.cjs). */
function probeWorker(entry: string, nodeArgs: string[] = []): WorkerProbe {
  const output = execFileSync(process.execPath, [...nodeArgs, path.join(__dirname, 'functions-worker-probe.cjs'), entry], {
    cwd: root,
    env: { ...process.env, LIFECYCLE_RUNTIME: 'azure' },
    stdio: 'pipe',
  }).toString();
  return JSON.parse(output.trim().split('\n').pop()!) as WorkerProbe;
}

function expectSdkBindingDelivers(probe: WorkerProbe): void {
  expect(probe.error).toBeUndefined();
  expect(probe.trigger).toMatchObject({ type: 'serviceBusTrigger', sdkBinding: true, autoCompleteMessages: false, isSessionsEnabled: true });
  expect(probe.message).toEqual({
    messageId: 'evt-42',
    sessionId: 'employee-1001',
    lockToken: '33221100-5544-7766-8899-aabbccddeeff',
    body: { eventId: 'evt-42', type: 'joiner' },
    applicationProperties: { tenantId: 'default' },
  });
  expect(probe.actions).toEqual(['complete', 'abandon', 'deadletter']);
}

describe('the deployment bundle (npm run build)', () => {
  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' });
  }, 120_000);

  it('when built, then the entry exists with host.json and contains none of dev/ or test/', () => {
    const bundle = readFileSync(path.join(root, 'dist', 'functions', 'index.js'), 'utf8');
    expect(existsSync(path.join(root, 'dist', 'host.json'))).toBe(true);
    expect(existsSync(path.join(root, 'dist', 'config', 'rules.json'))).toBe(true);
    expect(bundle).not.toMatch(/dev\/graph-simulator|dev\/local-host|dev\/local-service-bus/);
    expect(bundle).toContain('process-event');
  });

  it('when loaded outside the Functions host, then it registers without throwing (the library runs in test mode)', () => {
    const output = execFileSync(process.execPath, ['-e', "require('./dist/functions/index.js'); console.log('loaded')"], {
      cwd: root,
      env: { ...process.env, LIFECYCLE_RUNTIME: 'azure' },
      stdio: 'pipe',
    }).toString();
    expect(output).toContain('loaded');
  });

  it('when the host hands process-event a Service Bus message, then @azure/functions builds { messages, actions } through our registration, and the extension loads only then', () => {
    const probe = probeWorker('dist/functions/index.js');
    expect(probe.functions).toEqual(expect.arrayContaining(['hr-events', 'process-event', 'ticket-requests', 'licence-audit']));
    expect(probe.loadedAtImport).toBe(false);
    expectSdkBindingDelivers(probe);
    expect(probe.loadedAfterMessage).toBe(true);
  });

  it('when built, then the Azure SDKs are a second file the entry requires on first use, not part of the entry', () => {
    const bundle = readFileSync(path.join(root, 'dist', 'functions', 'index.js'), 'utf8');
    expect(existsSync(path.join(root, 'dist', 'functions', 'azure-sdks.js'))).toBe(true);
    expect(bundle).toContain('require("./azure-sdks.js")');
  });
});

describe('the unbundled app under the Functions worker', () => {
  it('when the host hands process-event a Service Bus message, then the handler gets the message and its settlement actions', () => {
    expectSdkBindingDelivers(probeWorker('functions/index.ts', ['--import', 'tsx']));
  }, 60_000);
});

// Simulated Function App instances in one process, for the scale-out bench: each with its own
// services (settings, governors, caches, tenant runtimes, app budget — a service container of its
// own, shared/runtime/services.ts), all taking messages from one queue of one LocalServiceBus,
// each with host.json's session settings, as separate instances take them from one Service Bus
// queue. Storage is whatever AzureWebJobsStorage names: one Azurite for all, as in Azure.
import { randomUUID } from 'node:crypto';
import { InvocationContext } from '@azure/functions';
import type { LocalServiceBus } from '../dev/local-service-bus';
import { LocalDeadLetters } from '../dev/local-service-bus/dead-letters';
import { readHostJson } from '../dev/local-host/local-host';
import { createProcessEventHandler } from '../functions/process-event';
import { parseSettings, type Settings } from '../shared/config/settings';
import { createServiceContainer, type ServiceContainer } from '../shared/runtime/services';
import { createTenantRegistry } from '../shared/tenancy/tenant-registry';
import type { Telemetry } from '../shared/telemetry/telemetry';

export interface SimulatedInstance {
  index: number;
  settings: Settings;
  container: ServiceContainer;
  /** Stops taking messages and waits for the running ones (the bus stays open). */
  close(): Promise<void>;
}

export interface InstanceOptions {
  bus: LocalServiceBus;
  /** The app settings every instance of the deployment reads (one deployment, N instances). */
  env: NodeJS.ProcessEnv;
  /** Each instance's telemetry (the bench counts settlements through it). */
  telemetry: (instance: number) => Telemetry;
  /** Where handler logs go (default: nowhere). */
  log?: (instance: number, line: string) => void;
}

/** The processing queue as Azure has it for this app: sessions, duplicate detection, 10 deliveries. */
export function createProcessingQueue(bus: LocalServiceBus, settings: Settings): void {
  bus.createQueue(settings.PROCESSING_QUEUE_NAME, { requiresSession: true, requiresDuplicateDetection: true, maxDeliveryCount: 10 });
}

/** Starts `count` instances on the bus's processing queue (created if missing). */
export function startInstances(count: number, options: InstanceOptions): SimulatedInstance[] {
  const env: NodeJS.ProcessEnv = { ...options.env, LIFECYCLE_RUNTIME: 'local' };
  const hostJson = readHostJson(env);
  return Array.from({ length: count }, (_, index) => {
    const settings = parseSettings(env);
    createProcessingQueue(options.bus, settings);
    const container = createServiceContainer({
      settings: () => settings,
      processingQueue: () => options.bus.createSender(settings.PROCESSING_QUEUE_NAME),
      deadLetters: () => new LocalDeadLetters(options.bus),
      tenants: (s) => createTenantRegistry(settings, env, () => s.policy),
      telemetry: () => options.telemetry(index),
    });
    const handle = createProcessEventHandler(container.services);
    const log = options.log ?? (() => undefined);
    const subscription = options.bus.subscribe(
      settings.PROCESSING_QUEUE_NAME,
      (input) => handle(input, new InvocationContext({ invocationId: randomUUID(), functionName: 'process-event', logHandler: (level, ...args) => log(index, `${level}: ${args.map(String).join(' ')}`) })),
      {
        maxConcurrentCalls: hostJson.maxConcurrentCalls ?? 16,
        maxConcurrentSessions: hostJson.maxConcurrentSessions ?? 8,
        autoCompleteMessages: false,
        ...(hostJson.sessionIdleTimeoutMs !== undefined ? { sessionIdleTimeoutMs: hostJson.sessionIdleTimeoutMs } : {}),
        ...(hostJson.maxAutoLockRenewalDurationMs !== undefined ? { maxAutoLockRenewalDurationMs: hostJson.maxAutoLockRenewalDurationMs } : {}),
      },
    );
    return {
      index,
      settings,
      container,
      close: async () => {
        await subscription.close();
        await container.clear()?.close().catch(() => undefined);
      },
    };
  });
}

import type { ServiceBusClient } from '@azure/service-bus';
import { identitySdk, serviceBusSdk } from '../runtime/sdk';
import type { Settings } from '../config/settings';
import { appManagedIdentity } from '../runtime/identity';
import type { QueueSender } from './types';

let client: ServiceBusClient | undefined;

/** The Azure adapter: one Service Bus client per worker over the managed identity. */
export function createServiceBusSender(settings: Settings, queueName: string): QueueSender {
  return serviceBusClient(settings).createSender(queueName);
}

/** The worker's one Service Bus client, over the managed identity. */
export function serviceBusClient(settings: Settings): ServiceBusClient {
  const namespace = settings.ServiceBusConnection__fullyQualifiedNamespace;
  if (!namespace) throw new Error('ServiceBusConnection__fullyQualifiedNamespace is not set');
  if (!client) {
    const credential = settings.GRAPH_CREDENTIAL === 'default' ? new (identitySdk().DefaultAzureCredential)() : appManagedIdentity(settings);
    client = new (serviceBusSdk().ServiceBusClient)(namespace, credential);
  }
  return client;
}

export async function closeServiceBusClient(): Promise<void> {
  const current = client;
  client = undefined;
  await current?.close();
}

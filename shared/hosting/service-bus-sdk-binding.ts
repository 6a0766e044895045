import { createRequire } from 'node:module';
import type { ModelBindingData, ResourceFactoryResolver } from '@azure/functions-extensions-base';

type BasePackage = typeof import('@azure/functions-extensions-base');

/**
 * For a Service Bus trigger declared with `sdkBinding: true`, the Functions host sends "model
 * binding data", and @azure/functions turns it into `{ messages, actions }` through the factory
 * registered in *its* copy of @azure/functions-extensions-base. The Service Bus extension
 * registers its factory in the copy *it* resolves, and the two are not the same module: the
 * extension 0.2.0-preview needs base ^0.2.0 while @azure/functions 4.16 pins 0.3.0, and a bundled
 * @azure/functions carries its own copy anyway. Importing the extension alone therefore leaves
 * every message failing with "Factory for type AzureServiceBusReceivedMessage is not registered".
 *
 * So we register, in the registry @azure/functions reads, a factory that loads the extension on
 * the first message and hands the data to the registry the extension filled. Loading it late is
 * also what keeps ~250 ms of gRPC, AMQP and protobuf off the cold start of an HTTP function.
 */
export const SERVICE_BUS_RESOURCE = 'AzureServiceBusReceivedMessage';
const EXTENSION = '@azure/functions-extensions-servicebus';

type Registry = Pick<ResourceFactoryResolver, 'createClient' | 'hasResourceFactory'>;

/** The registry the extension's own import of the base package resolves to (a few small files). */
function extensionRegistry(): Registry {
  const requireAsExtension = createRequire(require.resolve(EXTENSION));
  const base = requireAsExtension('@azure/functions-extensions-base') as BasePackage;
  return base.ResourceFactoryResolver.getInstance();
}

/* eslint-disable @typescript-eslint/no-require-imports -- see above and below */
/** The registry @azure/functions reads: `require`, like @azure/functions, so a bundler picks the same (CommonJS) file. */
function functionsRegistry(): ResourceFactoryResolver {
  return (require('@azure/functions-extensions-base') as BasePackage).ResourceFactoryResolver.getInstance();
}

function loadExtension(): void {
  require('@azure/functions-extensions-servicebus');
}
/* eslint-enable @typescript-eslint/no-require-imports */

export function registerServiceBusSdkBinding(registry: ResourceFactoryResolver = functionsRegistry()): void {
  if (registry.hasResourceFactory(SERVICE_BUS_RESOURCE)) return;
  const theirs = extensionRegistry();
  if ((theirs as unknown) === registry) {
    // One shared copy: the extension's own registration is the one @azure/functions reads.
    loadExtension();
    return;
  }
  let loaded = false;
  registry.registerResourceFactory(SERVICE_BUS_RESOURCE, (data: ModelBindingData | ModelBindingData[]) => {
    if (!loaded) {
      loadExtension();
      loaded = true;
    }
    return theirs.createClient(SERVICE_BUS_RESOURCE, data);
  });
}

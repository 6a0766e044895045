import type * as Identity from '@azure/identity';
import type * as ServiceBus from '@azure/service-bus';
import type * as Tables from '@azure/data-tables';
import type * as Blobs from '@azure/storage-blob';

/**
 * The heavy Azure SDKs, loaded on first use instead of at cold start: requiring these four
 * takes ~170 ms here — as long as the rest of the app — and a function that never touches one
 * (a timer, the status route) never pays for it. Types are imported statically (erased); the
 * bundler turns each `require` below into a module initialised at that call.
 */
function lazy<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}

/* eslint-disable @typescript-eslint/no-require-imports -- deferred on purpose, see above */
export const identitySdk = lazy(() => require('@azure/identity') as typeof Identity);
export const serviceBusSdk = lazy(() => require('@azure/service-bus') as typeof ServiceBus);
export const tablesSdk = lazy(() => require('@azure/data-tables') as typeof Tables);
export const blobsSdk = lazy(() => require('@azure/storage-blob') as typeof Blobs);
/* eslint-enable @typescript-eslint/no-require-imports */

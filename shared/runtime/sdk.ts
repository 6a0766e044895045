import type * as Blobs from '@azure/storage-blob';
import type * as AzureSdks from './azure-sdks';

/**
 * The heavy Azure SDKs, loaded on first use instead of at cold start: they are more code than
 * the rest of the app together, and a function that never touches one never pays for it. Types
 * are imported statically (erased). The deployment build keeps `./azure-sdks` as its own file
 * (scripts/build.mjs), so the worker's import of the app does not even compile them.
 */
function lazy<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}

/* eslint-disable @typescript-eslint/no-require-imports -- deferred on purpose, see above */
const azureSdks = lazy(() => require('./azure-sdks') as typeof AzureSdks);
export const identitySdk = (): typeof AzureSdks.identity => azureSdks().identity;
export const serviceBusSdk = (): typeof AzureSdks.serviceBus => azureSdks().serviceBus;
export const tablesSdk = (): typeof AzureSdks.tables => azureSdks().tables;
export const blobsSdk = lazy(() => require('@azure/storage-blob') as typeof Blobs);
/* eslint-enable @typescript-eslint/no-require-imports */

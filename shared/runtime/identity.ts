import type { ManagedIdentityCredential } from '@azure/identity';
import { identitySdk } from './sdk';
import type { Settings } from '../config/settings';

let cached: { clientId: string | undefined; credential: ManagedIdentityCredential } | undefined;

/**
 * The Function App's managed identity (`AZURE_CLIENT_ID` for a user-assigned one), created once
 * per worker and shared by Graph, Service Bus, Table and Blob clients, so they share its token cache.
 */
export function appManagedIdentity(settings: Pick<Settings, 'AZURE_CLIENT_ID'>): ManagedIdentityCredential {
  if (!cached || cached.clientId !== settings.AZURE_CLIENT_ID) {
    const { ManagedIdentityCredential } = identitySdk();
    const credential = settings.AZURE_CLIENT_ID ? new ManagedIdentityCredential({ clientId: settings.AZURE_CLIENT_ID }) : new ManagedIdentityCredential();
    cached = { clientId: settings.AZURE_CLIENT_ID, credential };
  }
  return cached.credential;
}

import { startAzurite, type RunningAzurite } from '../../dev/local-host/azurite';

/** One Azurite for the whole run; test workers inherit its connection string. */
export default async function globalSetup(): Promise<void> {
  const azurite = await startAzurite();
  process.env.TEST_STORAGE_CONNECTION_STRING = azurite.connectionString;
  (globalThis as { __azurite?: RunningAzurite }).__azurite = azurite;
}

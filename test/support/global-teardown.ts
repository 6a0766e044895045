import type { RunningAzurite } from '../../dev/local-host/azurite';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __azurite?: RunningAzurite }).__azurite?.stop();
}

import type { Client } from '@microsoft/microsoft-graph-client';
import { graphCall, GraphRequestError } from './errors';
import { graphPath } from './odata';

/** Relative, so a `$batch` item can carry it too. A user without a manager answers 404. */
export const managerUrl = (userId: string): string => graphPath`/users/${userId}/manager?$select=id`;

export async function getManagerId(client: Client, userId: string): Promise<string | undefined> {
  try {
    const manager = await graphCall('read manager', () => client.api(managerUrl(userId)).get());
    return (manager as { id: string }).id;
  } catch (error) {
    if (error instanceof GraphRequestError && error.failure.kind === 'not-found') return undefined;
    throw error;
  }
}

export async function setManager(client: Client, userId: string, managerId: string, graphBase: string): Promise<void> {
  await graphCall('set manager', () => client.api(graphPath`/users/${userId}/manager/$ref`).put({ '@odata.id': `${graphBase}/v1.0${graphPath`/users/${managerId}`}` }));
}

export async function removeManager(client: Client, userId: string): Promise<boolean> {
  try {
    await graphCall('remove manager', () => client.api(graphPath`/users/${userId}/manager/$ref`).delete());
    return true;
  } catch (error) {
    if (error instanceof GraphRequestError && error.failure.kind === 'not-found') return false;
    throw error;
  }
}

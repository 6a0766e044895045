import type { Client } from '@microsoft/microsoft-graph-client';
import { Secret } from '../domain/credentials';
import { graphCall } from './errors';
import { graphPath } from './odata';

/** A Temporary Access Pass as Graph lists it: the pass itself is only ever in the create response. */
export interface TemporaryAccessPassMethod {
  id: string;
  startDateTime?: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}

export interface IssuedTemporaryAccessPass extends TemporaryAccessPassMethod {
  pass: Secret;
  expiresAt: string;
}

export async function listTemporaryAccessPasses(client: Client, userId: string): Promise<TemporaryAccessPassMethod[]> {
  const page = await graphCall('list temporary access passes', () => client.api(graphPath`/users/${userId}/authentication/temporaryAccessPassMethods`).get());
  return (page.value as TemporaryAccessPassMethod[]).map(({ id, startDateTime, lifetimeInMinutes, isUsableOnce }) => ({
    id,
    ...(startDateTime ? { startDateTime } : {}),
    lifetimeInMinutes,
    isUsableOnce,
  }));
}

export async function deleteTemporaryAccessPass(client: Client, userId: string, methodId: string): Promise<void> {
  await graphCall('delete temporary access pass', () => client.api(graphPath`/users/${userId}/authentication/temporaryAccessPassMethods/${methodId}`).delete());
}

/** Creates a pass; the value is wrapped in a `Secret` at once so no caller can log it by accident. */
export async function createTemporaryAccessPass(
  client: Client,
  userId: string,
  options: { lifetimeInMinutes: number; isUsableOnce: boolean },
  now: Date,
): Promise<IssuedTemporaryAccessPass> {
  const created = (await graphCall('create temporary access pass', () =>
    client.api(graphPath`/users/${userId}/authentication/temporaryAccessPassMethods`).post({ lifetimeInMinutes: options.lifetimeInMinutes, isUsableOnce: options.isUsableOnce }),
  )) as { id: string; temporaryAccessPass: string; startDateTime?: string; lifetimeInMinutes: number; isUsableOnce: boolean };
  const start = created.startDateTime ? new Date(created.startDateTime) : now;
  return {
    id: created.id,
    pass: new Secret(created.temporaryAccessPass),
    ...(created.startDateTime ? { startDateTime: created.startDateTime } : {}),
    lifetimeInMinutes: created.lifetimeInMinutes,
    isUsableOnce: created.isUsableOnce,
    expiresAt: new Date(start.getTime() + created.lifetimeInMinutes * 60_000).toISOString(),
  };
}

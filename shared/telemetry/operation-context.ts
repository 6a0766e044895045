import { AsyncLocalStorage } from 'node:async_hooks';

/** The event being processed, so everything recorded while processing it carries its id. */
export interface OperationContext {
  eventId: string;
  tenantId: string;
  eventType: string;
}

const storage = new AsyncLocalStorage<OperationContext>();

export function runInOperation<T>(context: OperationContext, work: () => Promise<T>): Promise<T> {
  return storage.run(context, work);
}

export function currentOperation(): OperationContext | undefined {
  return storage.getStore();
}

import type { ReceivedMessage } from './types';

/**
 * A received message's body as JSON: the Functions binding hands it over already parsed, as a
 * string, or as bytes, depending on its content type. Undefined when it is not JSON.
 */
export function messageJson(message: Pick<ReceivedMessage, 'body'>): { value: unknown } | undefined {
  const { body } = message;
  try {
    if (typeof body === 'string') return { value: JSON.parse(body) };
    if (Buffer.isBuffer(body)) return { value: JSON.parse(body.toString('utf8')) };
  } catch {
    return undefined;
  }
  return { value: body };
}

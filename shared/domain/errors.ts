/**
 * Worker data that cannot be turned into an account (no name to build a UPN from, an unknown
 * country). Permanent: the fix is in HR, not in a retry. Messages name the field, never the value.
 */
export class InvalidWorkerDataError extends Error {
  constructor(
    public readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'InvalidWorkerDataError';
  }
}

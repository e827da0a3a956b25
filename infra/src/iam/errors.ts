/** A manifest names a table, function, queue or state machine that no service declares. */
export class UnknownReferenceError extends Error {
  constructor(
    readonly owner: string,
    readonly kind: 'function' | 'table' | 'queue' | 'dead-letter queue' | 'state machine',
    readonly ref: string,
  ) {
    super(`${owner} names ${kind} "${ref}", which no service declares`);
    this.name = 'UnknownReferenceError';
  }
}

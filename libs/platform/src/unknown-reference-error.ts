/** A manifest names a table, index, function, queue or state machine that no service declares. */
export class UnknownReferenceError extends Error {
  constructor(
    readonly owner: string,
    readonly kind: 'function' | 'table' | 'index' | 'queue' | 'dead-letter queue' | 'state machine',
    readonly ref: string,
  ) {
    super(`${owner} names ${kind} "${ref}", which no service declares`);
    this.name = 'UnknownReferenceError';
  }
}

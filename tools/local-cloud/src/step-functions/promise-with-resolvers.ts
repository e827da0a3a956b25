/**
 * `Promise.withResolvers` for Node 20. aws-local-stepfunctions 3 (written for Node 22) calls it
 * in every Task state; without it each Task fails with a TypeError that a `States.ALL`
 * catcher swallows silently. Imported for its side effect, before the library runs.
 */
const PromiseConstructor = Promise as unknown as { withResolvers?: () => unknown };

PromiseConstructor.withResolvers ??= function withResolvers<T>() {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

export {};

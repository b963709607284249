import type { Model } from 'mongoose';

const tails = new WeakMap<Model<any>, Promise<unknown>>();

/**
 * Runs `work` after every earlier write to the same model in this process has finished. FerretDB v1
 * applies an update as a read-modify-write without document-level atomicity, so two concurrent
 * updates of one credential (a request's change and the outbox relay clearing published events)
 * could lose one of them and its audit event. Credential writes are rare administrative operations,
 * so serialising them in-process costs nothing measurable; on MongoDB each single-document update
 * with its version condition is atomic across replicas anyway. Pass it to the OutboxRelay too.
 */
export function exclusiveWrite<T>(model: Model<any>, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(model) ?? Promise.resolve();
  const run = previous.then(work, work);
  tails.set(
    model,
    run.catch(() => undefined),
  );
  return run;
}

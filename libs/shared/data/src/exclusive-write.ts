import type { Model } from 'mongoose';

const tails = new WeakMap<Model<any>, Promise<unknown>>();

/**
 * Runs `work` after every earlier write to the same model (collection on one connection) in this
 * process has finished. FerretDB v1 applies an update as a read-modify-write without document-level
 * atomicity, so two concurrent updates of one document can lose one of them (and with it a change
 * event). Token and credential writes are rare administrative operations plus batched background
 * writes, so serialising them costs nothing measurable; on MongoDB the single-document update and
 * the revision condition already make each write atomic across replicas.
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

import type { Model } from 'mongoose';
import { exclusiveWrite } from './exclusive-write';

/** A write that runs until the test lets it finish, recording when it starts and ends. */
function heldWrite(model: Model<any>, name: string, order: string[], fail = false) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const done = exclusiveWrite(model, async () => {
    order.push(`${name}:start`);
    await held;
    order.push(`${name}:end`);
    if (fail) throw new Error(name);
    return name;
  });
  return { release, done };
}

/** Lets every write that could start now start (they start within a few turns of the event loop). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('exclusiveWrite', () => {
  it('runs writes to one model one after another, in call order, even when one fails', async () => {
    const model = {} as Model<any>;
    const order: string[] = [];
    const [a, b, c] = [heldWrite(model, 'a', order), heldWrite(model, 'b', order, true), heldWrite(model, 'c', order)];
    await settle();
    expect(order).toEqual(['a:start']);
    // c is released first, b (which fails) next: still each waits for the one before it.
    c.release();
    b.release();
    await settle();
    expect(order).toEqual(['a:start']);
    a.release();
    const results = await Promise.allSettled([a.done, b.done, c.done]);
    expect(order).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('lets writes to different models run side by side', async () => {
    const order: string[] = [];
    const a = heldWrite({} as Model<any>, 'a', order);
    const b = heldWrite({} as Model<any>, 'b', order);
    // b starts and finishes while a, on another model, is still running.
    b.release();
    await b.done;
    expect(order).toEqual(['a:start', 'b:start', 'b:end']);
    a.release();
    await a.done;
    expect(order).toEqual(['a:start', 'b:start', 'b:end', 'a:end']);
  });
});

import type { Model } from 'mongoose';
import { exclusiveWrite } from './exclusive-write';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('exclusiveWrite', () => {
  it('runs writes to one model one after another, in call order, even when one fails', async () => {
    const model = {} as Model<any>;
    const order: string[] = [];
    const write = (name: string, ms: number, fail = false) =>
      exclusiveWrite(model, async () => {
        order.push(`${name}:start`);
        await sleep(ms);
        order.push(`${name}:end`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([write('a', 20), write('b', 1, true), write('c', 1)]);
    expect(order).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('lets writes to different models run side by side', async () => {
    const order: string[] = [];
    const write = (model: Model<any>, name: string, ms: number) =>
      exclusiveWrite(model, async () => {
        order.push(`${name}:start`);
        await sleep(ms);
        order.push(`${name}:end`);
      });
    await Promise.all([write({} as Model<any>, 'a', 20), write({} as Model<any>, 'b', 1)]);
    expect(order).toEqual(['a:start', 'b:start', 'b:end', 'a:end']);
  });
});

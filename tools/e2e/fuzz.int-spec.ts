// The contract fuzzer on a bounded budget, inside `npm test`: every operation of the OpenAPI
// document, valid and hostile requests through the real gateway to the real services. The full
// budget (thousands of runs per operation) is `npm run fuzz`.
import { loadFuzzOperations } from '../fuzz/openapi-model';
import { ContractFuzzer, formatReport } from '../fuzz/contract-fuzz';
import { startFuzzTarget, type FuzzTarget } from '../fuzz/fuzz-target';

const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 15);
/** Fixed so that `npm test` is repeatable; FUZZ_SEED tries another. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_250_601);

let target: FuzzTarget;

beforeAll(async () => {
  target = await startFuzzTarget();
});

afterAll(async () => {
  await target?.close();
});

it('answers every operation of the contract as documented, under valid and hostile input, without touching another account', async () => {
  const report = await new ContractFuzzer(target).run({ runs: RUNS_PER_OPERATION, seed: SEED });
  // The whole report (statuses per operation, each failure with its replay command) when anything failed.
  expect(report.failed ? formatReport(report) : 'passed').toBe('passed');
  expect(report.operations.map((op) => op.operationId).sort()).toEqual(loadFuzzOperations().map((op) => op.operationId).sort());
  for (const operation of report.operations) {
    expect(operation.runs).toBe(RUNS_PER_OPERATION);
    expect(operation.valid).toBeGreaterThan(0);
    expect(operation.hostile).toBeGreaterThan(0);
  }
  expect(report.crossAccount.changed).toBe(false);
  expect(report.chainA.valid).toBe(true);
});

// One Jest run for unit (*.spec.ts) and integration (*.int-spec.ts) tests. Integration tests share
// a real Redis and a real MongoDB-compatible server started once by the global setup.
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  moduleNameMapper,
  globalSetup: '<rootDir>/libs/shared/testing/src/global-setup.mjs',
  globalTeardown: '<rootDir>/libs/shared/testing/src/global-teardown.mjs',
  // The secret-hygiene suite scans what the whole run logged, so it starts last.
  testSequencer: '<rootDir>/tools/e2e/run-hygiene-last.sequencer.cjs',
  testTimeout: 60_000,
  maxWorkers: 2,
};

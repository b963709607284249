// Jest settings shared by every project's jest.config.js and by the root jest.config.js (the one
// run of `npm test`). Paths are absolute so that they hold whichever directory Jest starts from:
// `nx test <project>` runs Jest in the project's directory, `npm test` at the root.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

// Libraries are imported as TypeScript source through the same aliases the compiler uses.
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, path.join(__dirname, target)]),
);

module.exports = {
  // Node, plus a marker per finished suite that the secret-hygiene suite waits for (see the file).
  testEnvironment: path.join(__dirname, 'libs/shared/testing/src/test-environment.cjs'),
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  moduleNameMapper,
  // Integration tests share one real Redis and one real MongoDB-compatible server, started once per
  // Jest run on free ports and removed afterwards.
  globalSetup: path.join(__dirname, 'libs/shared/testing/src/global-setup.mjs'),
  globalTeardown: path.join(__dirname, 'libs/shared/testing/src/global-teardown.mjs'),
  // The secret-hygiene suite scans what the whole run logged, so it starts last.
  testSequencer: path.join(__dirname, 'tools/e2e/run-hygiene-last.sequencer.cjs'),
  testTimeout: 60_000,
  maxWorkers: 2,
};

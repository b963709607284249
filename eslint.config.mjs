import nx from '@nx/eslint-plugin';
import jest from 'eslint-plugin-jest';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/node_modules', '**/dist', '.data', '.cache', '.nx', 'libs/contracts/api/src/generated', 'tmp'] },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs', '**/*.js'],
    rules: {
      // Who may import whom: apps import libs, never apps; a domain's data-access belongs to its own
      // service; contracts depend on nothing but utilities.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:contract'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:contract'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contract'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contract'] },
            { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:contract', 'type:util'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
            { sourceTag: 'scope:tokens', onlyDependOnLibsWithTags: ['scope:tokens', 'scope:shared'] },
            { sourceTag: 'scope:credentials', onlyDependOnLibsWithTags: ['scope:credentials', 'scope:shared'] },
            { sourceTag: 'scope:audit', onlyDependOnLibsWithTags: ['scope:audit', 'scope:shared'] },
            { sourceTag: 'scope:console', onlyDependOnLibsWithTags: ['scope:console', 'scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            // The operator CLI ships like an app (type:app): it may use the libraries of every domain, never an app.
            { sourceTag: 'scope:operator', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tokens', 'scope:credentials', 'scope:audit'] },
            // Benchmarks, chaos, the fuzzer, whole-platform tests, the launcher and code generation are never
            // shipped and nothing shipped may import them; they compose the apps as the platform runs them.
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Integration tests, end-to-end tests, the contract fuzzer and benchmarks compose several apps in one process, as
    // the platform runs them; production code stays bound by the rules above.
    files: ['**/*.int-spec.ts', 'tools/bench/**', 'tools/e2e/**', 'tools/fuzz/**', 'tools/chaos/**', 'tools/platform/**'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // Operator tools and the launcher talk to a terminal.
    files: ['tools/**/*'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests say what they check and check it every time: nothing focused or skipped, no expect that
    // runs only on some paths, and no expect outside a test (an assertion in a callback that may
    // never run is counted with expect.assertions).
    ...jest.configs['flat/recommended'],
    files: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/no-conditional-expect': 'error',
      'jest/valid-expect': 'error',
      'jest/no-standalone-expect': 'error',
      // supertest's `.expect(status)` asserts too.
      'jest/expect-expect': ['warn', { assertFunctionNames: ['expect', '**.expect'] }],
    },
  },
];

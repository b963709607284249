module.exports = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  // tools/e2e/console is its own project (console-e2e).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/console/'],
};

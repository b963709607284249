// `npm test`: one Jest run over every project's unit (*.spec.ts) and integration (*.int-spec.ts)
// tests, sharing one Redis and one MongoDB-compatible server. `nx test <project>` runs the same
// settings on one project through its own jest.config.js.
module.exports = {
  preset: './jest.preset.js',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'],
};

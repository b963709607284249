module.exports = {
  displayName: 'contracts-codegen',
  preset: '../../jest.preset.js',
};

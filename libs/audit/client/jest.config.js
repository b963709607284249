module.exports = {
  displayName: 'audit-client',
  preset: '../../../jest.preset.js',
};

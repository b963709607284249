module.exports = {
  displayName: 'audit-feature',
  preset: '../../../jest.preset.js',
};

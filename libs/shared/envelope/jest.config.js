module.exports = {
  displayName: 'shared-envelope',
  preset: '../../../jest.preset.js',
};

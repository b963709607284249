module.exports = {
  displayName: 'shared-data',
  preset: '../../../jest.preset.js',
};

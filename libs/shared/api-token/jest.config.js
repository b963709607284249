module.exports = {
  displayName: 'shared-api-token',
  preset: '../../../jest.preset.js',
};

module.exports = {
  displayName: 'tokens-data-access',
  preset: '../../../jest.preset.js',
};

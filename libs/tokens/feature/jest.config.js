module.exports = {
  displayName: 'tokens-feature',
  preset: '../../../jest.preset.js',
};

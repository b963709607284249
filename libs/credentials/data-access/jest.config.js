module.exports = {
  displayName: 'credentials-data-access',
  preset: '../../../jest.preset.js',
};

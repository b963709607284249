module.exports = {
  displayName: 'token-service',
  preset: '../../jest.preset.js',
};

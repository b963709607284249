module.exports = {
  displayName: 'credential-service',
  preset: '../../jest.preset.js',
};

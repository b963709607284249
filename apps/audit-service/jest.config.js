module.exports = {
  displayName: 'audit-service',
  preset: '../../jest.preset.js',
};

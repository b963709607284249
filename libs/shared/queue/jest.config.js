module.exports = {
  displayName: 'shared-queue',
  preset: '../../../jest.preset.js',
};

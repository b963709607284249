// Jest's own order (slowest and last-failed first), except that the secret-hygiene suite goes last:
// it scans the log every other suite of the run has written.
const Sequencer = require('@jest/test-sequencer').default;

const LAST = /secret-hygiene\.int-spec\.ts$/;

class RunHygieneLastSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter((test) => !LAST.test(test.path)), ...sorted.filter((test) => LAST.test(test.path))];
  }
}

module.exports = RunHygieneLastSequencer;

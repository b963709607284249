// Jest's own order (slowest and last-failed first), except that the secret-hygiene suite goes last:
// it scans the log every other suite of the run has written. Going last only means starting last
// (other workers may still be running suites then), so the sequencer also records which suites this
// run holds; the global setup writes that list to the run's directory, and the hygiene suite waits
// until each of them has marked itself done (see libs/shared/testing/src/test-environment.cjs).
const Sequencer = require('@jest/test-sequencer').default;

const LAST = /secret-hygiene\.int-spec\.ts$/;

class RunHygieneLastSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const ordered = [...sorted.filter((test) => !LAST.test(test.path)), ...sorted.filter((test) => LAST.test(test.path))];
    // Jest sorts before it runs the global setup, in the same process.
    globalThis.__WARDEN_TEST_SUITES__ = ordered.map((test) => test.path);
    return ordered;
  }
}

module.exports = RunHygieneLastSequencer;

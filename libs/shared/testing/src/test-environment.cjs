// The Node test environment, plus one thing: when a suite has finished (its tests, its afterAll
// hooks, every service it started and stopped), a marker says so in the run's directory. The
// secret-hygiene suite waits for every other suite's marker before it reads the run's log, so the
// log it scans is complete: Jest runs suites in parallel workers, and running last in order only
// means starting last, not that the other workers have stopped writing.
const { createHash } = require('node:crypto');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { TestEnvironment } = require('jest-environment-node');

class WardenTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
  }

  async teardown() {
    try {
      await super.teardown();
    } finally {
      const runDir = process.env.WARDEN_TEST_RUN_DIR;
      if (runDir) {
        const done = join(runDir, 'done');
        mkdirSync(done, { recursive: true });
        writeFileSync(join(done, createHash('sha256').update(this.testPath).digest('hex')), this.testPath);
      }
    }
  }
}

module.exports = WardenTestEnvironment;

// Usage:
//   node tools/infra/cli.mjs build   build FerretDB and helm (for the Kubernetes chart's test) and fetch
//                                    the pinned Node 24 if needed (ahead of any test timeout; `npm test`
//                                    runs the suite on that Node too)
//   node tools/infra/cli.mjs up      start Redis and MongoDB with data under .data/, print their
//                                    URLs as JSON, and stop them on SIGINT/SIGTERM
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureHelm, HELM_VERSION } from './helm.mjs';
import { ensureFerretDb, startInfra } from './launcher.mjs';
import { ensureNode24, NODE24_VERSION } from './node-runtime.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (line) => process.stderr.write(`[infra] ${line}\n`);

async function build() {
  log(`FerretDB binary: ${await ensureFerretDb({ log })}`);
  const helm = await ensureHelm({ log });
  log(helm ? `helm ${HELM_VERSION} binary: ${helm}` : `helm ${HELM_VERSION}: not available (see above); npm test skips the Kubernetes chart's test`);
  const node24 = await ensureNode24({ log });
  log(node24 ? `Node ${NODE24_VERSION} binary: ${node24}` : `Node ${NODE24_VERSION}: not available (see above); npm test skips its Node 24 run`);
}

async function up() {
  const infra = await startInfra({ dataDir: path.join(repoRoot, '.data'), ephemeral: false, log });
  process.stdout.write(`${JSON.stringify({ redisUrl: infra.redisUrl, mongoUrl: infra.mongoUrl })}\n`);
  const shutdown = async (signal) => {
    log(`${signal}: stopping`);
    await infra.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  setInterval(() => undefined, 1 << 30); // stay up even when both URLs came from the environment
}

const commands = { build, up };
const command = commands[process.argv[2]];
if (!command) {
  process.stderr.write('usage: node tools/infra/cli.mjs <build|up>\n');
  process.exit(2);
}
command().catch((err) => {
  log(err.message);
  process.exit(1);
});

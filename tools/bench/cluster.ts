// Runs N copies of a server entry point behind one port with node:cluster, the way an operator
// would put two gateway replicas on one host: `tsx tools/bench/cluster.ts <entry> <N> [args…]`, the
// entry a TypeScript source (run through tsx) or a built bundle (dist/apps/<app>/main.js).
// Workers inherit the environment (PORT included) and share the listening socket.
import cluster from 'node:cluster';
import path from 'node:path';

const [entry, count = '2', ...args] = process.argv.slice(2);
if (!entry) throw new Error('usage: cluster.ts <entry.ts> <N> [args…]');

cluster.setupPrimary({ exec: path.resolve(entry), args, execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : ['--enable-source-maps'] });
const workers = Array.from({ length: Number(count) }, () => cluster.fork());
let stopping = false;
cluster.on('exit', (worker, code) => {
  if (!stopping) {
    console.error(`worker ${worker.process.pid} exited (${code}); stopping`);
    process.exit(1);
  }
  if (workers.every((w) => w.isDead())) process.exit(0);
});
process.on('SIGTERM', () => {
  stopping = true;
  for (const worker of workers) worker.process.kill('SIGTERM');
});

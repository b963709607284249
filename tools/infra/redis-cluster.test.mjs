import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { canStartRedisCluster, startRedisCluster } from './redis-cluster.mjs';

const run = promisify(execFile);
const ask = async (port, ...command) => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...command])).stdout;

test('starts three cluster masters that share every slot, and leaves nothing behind on stop', { skip: !canStartRedisCluster() && 'redis-server or redis-cli is not on PATH' }, async () => {
  const cluster = await startRedisCluster();
  try {
    assert.match(cluster.url, /^redis\+cluster:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
    assert.equal(cluster.nodes.length, 3);
    for (const node of cluster.nodes) {
      const info = await ask(node.port, 'CLUSTER', 'INFO');
      assert.match(info, /cluster_state:ok/);
      assert.match(info, /cluster_slots_assigned:16384/);
      assert.match(info, /cluster_known_nodes:3/);
    }
    // Keys of one hash tag share a slot; the slots themselves are spread over the three masters.
    const slot = async (key) => Number((await ask(cluster.nodes[0].port, 'CLUSTER', 'KEYSLOT', key)).trim());
    assert.equal(await slot('warden:tokver:{a1}:t1'), await slot('warden:acctlimit:{a1}'));
    const owners = (await ask(cluster.nodes[0].port, 'CLUSTER', 'NODES')).split('\n').filter((line) => /master/.test(line) && /\d+-\d+/.test(line));
    assert.equal(owners.length, 3);
  } finally {
    await cluster.stop();
  }
  assert.equal(existsSync(cluster.dir), false);
  for (const node of cluster.nodes) assert.throws(() => process.kill(node.pid, 0));
});

// `node --test tools/infra/`. The build, reuse and failure paths run against a stand-in `go` that
// "installs" a small script as helm (no network); the last test checks the real pinned helm that
// `node tools/infra/cli.mjs build` leaves in the cache, where Go is here to build it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ensureHelm, findGo, HELM_KUBE_VERSION, HELM_MODULE, HELM_VERSION, helmBin, releaseStamps } from './helm.mjs';
import { withCacheDir } from './cache-dir-env.mjs';

const run = promisify(execFile);

/**
 * A stand-in for `go`: records its arguments and GOBIN, then writes `$GOBIN/helm`, a script whose
 * `version --short` prints `reports`; with `fail` it exits 1 as a failed build does.
 */
async function fakeGo(dir, { reports = HELM_VERSION, fail = false } = {}) {
  const calls = path.join(dir, 'go-calls');
  const go = path.join(dir, 'go');
  await fs.writeFile(
    go,
    [
      '#!/bin/sh',
      `echo "GOBIN=$GOBIN $*" >> '${calls}'`,
      fail ? 'echo "go: build failed" >&2; exit 1' : '',
      `printf '#!/bin/sh\\necho ${reports}+gdeadbee\\n' > "$GOBIN/helm"`,
      'chmod +x "$GOBIN/helm"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const callLines = async () => (existsSync(calls) ? (await fs.readFile(calls, 'utf8')).trim().split('\n') : []);
  return { go, callLines };
}

describe('ensureHelm', () => {
  let dir;
  const lines = [];
  const log = (line) => lines.push(line);
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'warden-helm-'));
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  test('builds the pinned version with go install into <cache>/bin/helm-<version>, then reuses it', async () => {
    const cache = path.join(dir, 'build');
    const { go, callLines } = await fakeGo(await fs.mkdtemp(path.join(dir, 'go-')));
    await withCacheDir(cache, async () => {
      const bin = await ensureHelm({ log, go });
      assert.equal(bin, path.join(cache, 'bin', `helm-${HELM_VERSION}`));
      assert.equal(bin, helmBin());
      const calls = await callLines();
      assert.equal(calls.length, 1);
      assert.ok(calls[0].endsWith(` install -ldflags=${releaseStamps().join(' ')} ${HELM_MODULE}@${HELM_VERSION}`), calls[0]);
      // A private GOBIN, gone once the binary is in place.
      const gobin = calls[0].split(' ')[0].slice('GOBIN='.length);
      assert.ok(gobin.startsWith(path.join(cache, 'bin')));
      assert.equal(existsSync(gobin), false);
      assert.deepEqual(await fs.readdir(path.join(cache, 'bin')), [`helm-${HELM_VERSION}`]);

      assert.equal(await ensureHelm({ log, go }), bin);
      assert.equal((await callLines()).length, 1, 'a second call runs no go command');
    });
  });

  test('rebuilds a cached binary that reports another version, and keeps no build that does', async () => {
    const cache = path.join(dir, 'stale');
    await withCacheDir(cache, async () => {
      await fs.mkdir(path.dirname(helmBin()), { recursive: true });
      await fs.writeFile(helmBin(), '#!/bin/sh\necho v3.19\n', { mode: 0o755 }); // a build without the version stamp
      const wrong = await fakeGo(await fs.mkdtemp(path.join(dir, 'go-')), { reports: 'v3.19' });
      await assert.rejects(ensureHelm({ log, go: wrong.go }), /Building helm v\d+\.\d+\.\d+ with Go failed/);
      assert.equal((await wrong.callLines()).length, 1);
      const good = await fakeGo(await fs.mkdtemp(path.join(dir, 'go-')));
      assert.equal(await ensureHelm({ log, go: good.go }), helmBin());
      assert.equal((await good.callLines()).length, 1);
      assert.match((await run(helmBin(), ['version', '--short'])).stdout, new RegExp(`^${HELM_VERSION}`));
    });
  });

  test('throws, keeping nothing, when go install fails', async () => {
    const cache = path.join(dir, 'fails');
    const { go } = await fakeGo(await fs.mkdtemp(path.join(dir, 'go-')), { fail: true });
    await withCacheDir(cache, async () => {
      await assert.rejects(ensureHelm({ log, go }), /Building helm .* failed \(see the output above\)/);
      assert.deepEqual(await fs.readdir(path.join(cache, 'bin')), []);
    });
    assert.ok(lines.includes('go: build failed'), 'go output goes to the log');
  });

  test('resolves to null with a clear reason where Go is missing', async () => {
    const cache = path.join(dir, 'no-go');
    const said = [];
    await withCacheDir(cache, async () => {
      assert.equal(await ensureHelm({ log: (line) => said.push(line), go: null }), null);
    });
    assert.equal(said.length, 1);
    assert.match(said[0], /Go was not found .* helm v\d+\.\d+\.\d+ cannot be built \(install Go from https:\/\/go\.dev\/dl\//);
    assert.equal(ensureHelm.lastReason, said[0]);
    assert.equal(existsSync(path.join(cache, 'bin')), false);
  });

  test('stamps the version and the Kubernetes release as helm\'s own release builds do', () => {
    assert.deepEqual(releaseStamps('v3.19.0', '1.34'), [
      '-X helm.sh/helm/v3/internal/version.version=v3.19.0',
      '-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1',
      '-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=34',
      '-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1',
      '-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=34',
    ]);
  });

  test('the real pinned helm runs, reports its version and assumes its Kubernetes release', { skip: findGo() ? false : 'Go is missing: helm cannot be built here' }, async () => {
    // Built by `node tools/infra/cli.mjs build` (or here, the first time, which takes minutes).
    const bin = await ensureHelm({ log });
    const { stdout } = await run(bin, ['version', '--short']);
    assert.match(stdout.trim(), new RegExp(`^${HELM_VERSION.replace(/\./g, '\\.')}\\b`));
    // A one-template chart that prints the Kubernetes version helm assumes without a cluster.
    const chart = await fs.mkdtemp(path.join(os.tmpdir(), 'warden-helm-chart-'));
    try {
      await fs.mkdir(path.join(chart, 'templates'));
      await fs.writeFile(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: probe\nversion: 0.1.0\n');
      await fs.writeFile(path.join(chart, 'templates', 'kube.yaml'), '# {{ .Capabilities.KubeVersion.Version }}\n');
      const rendered = await run(bin, ['template', 'probe', chart]);
      assert.match(rendered.stdout, new RegExp(`# v${HELM_KUBE_VERSION.replace('.', '\\.')}\\.0`));
    } finally {
      await fs.rm(chart, { recursive: true, force: true });
    }
  });
});

// The pinned `helm` that checks the Kubernetes chart (deploy/helm/warden) inside `npm test`. Built
// from its Go module with `go install` into the cache FerretDB uses, once, by
// `node tools/infra/cli.mjs build`. Plain Node with built-ins only, like the launcher.
//
//   node tools/infra/helm.mjs   prints {"bin": "<path>"} or {"bin": null, "reason": "..."} as JSON
//                               (building first when needed): the chart test finds helm this way
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cacheDir, which, withBuildLock } from './launcher.mjs';

export const HELM_MODULE = 'helm.sh/helm/v3/cmd/helm';
/** The helm release the chart is checked with; bump it deliberately (a version the Go module proxy serves). */
export const HELM_VERSION = 'v3.19.0';
/** The Kubernetes release of the client-go that HELM_VERSION builds with (v0.34 for helm v3.19), as its release builds stamp. */
export const HELM_KUBE_VERSION = '1.34';

const defaultLog = (line) => process.stderr.write(`[infra] ${line}\n`);

/** Where the pinned helm lives: `<cache>/bin/helm-<version>`, so a version bump builds anew. */
export const helmBin = (version = HELM_VERSION) => path.join(cacheDir(), 'bin', `helm-${version}`);

/** The Go toolchain: `go` on PATH, else the standard /usr/local/go install, else null. */
export function findGo() {
  return which('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : null);
}

/**
 * Path of the pinned helm, built with `go install <module>@<version>` when missing (a few minutes
 * the first time; progress goes to `log`). Resolves to null, with the reason in `log` and in
 * `ensureHelm.lastReason`, where Go is missing, so that callers skip the chart checks instead of
 * failing. A build that fails with Go present throws.
 */
export async function ensureHelm({ log = defaultLog, version = HELM_VERSION, go = findGo() } = {}) {
  const bin = helmBin(version);
  if (await reportsVersion(bin, version)) return bin;
  if (!go) {
    const reason = `Go was not found on PATH or at /usr/local/go/bin/go, so helm ${version} cannot be built (install Go from https://go.dev/dl/ to check the Kubernetes chart)`;
    log(reason);
    ensureHelm.lastReason = reason;
    return null;
  }

  await fs.mkdir(path.dirname(bin), { recursive: true });
  return withBuildLock(
    `${bin}.build-lock`,
    log,
    async () => {
      if (await reportsVersion(bin, version)) return bin; // built while we waited
      const started = Date.now();
      const seconds = () => `${Math.round((Date.now() - started) / 1000)} s`;
      log(`building helm ${version} into ${bin} with ${go}; this takes a few minutes the first time`);
      const heartbeat = setInterval(() => log(`still building helm (${seconds()})`), 30_000);
      // go install writes <GOBIN>/helm: a private GOBIN, then an atomic rename into place.
      const gobin = await fs.mkdtemp(path.join(path.dirname(bin), `.helm-${version}-`));
      try {
        const ldflags = `-ldflags=${releaseStamps(version).join(' ')}`;
        const built = await runGo(go, ['install', ldflags, `${HELM_MODULE}@${version}`], { cwd: cacheDir(), gobin, log });
        const out = path.join(gobin, 'helm');
        if (!built || !(await reportsVersion(out, version))) {
          throw new Error(`Building helm ${version} with Go failed (see the output above).`);
        }
        await fs.rename(out, bin);
        log(`built helm ${version} in ${seconds()}`);
        return bin;
      } finally {
        clearInterval(heartbeat);
        await fs.rm(gobin, { recursive: true, force: true });
      }
    },
    `building helm ${version}`,
  );
}

/**
 * What helm's own release builds stamp (its Makefile's LDFLAGS), so that this build behaves as the
 * released binary: the full version (else `helm version` says only "v3.19") and the Kubernetes
 * version that `helm template` and `helm lint` assume without a cluster (else 1.20, which fails a
 * chart's kubeVersion and hides newer API deprecations).
 */
export function releaseStamps(version = HELM_VERSION, kubeVersion = HELM_KUBE_VERSION) {
  const [major, minor] = kubeVersion.split('.');
  return [
    `-X helm.sh/helm/v3/internal/version.version=${version}`,
    ...['chartutil', 'lint/rules'].flatMap((pkg) => [`-X helm.sh/helm/v3/pkg/${pkg}.k8sVersionMajor=${major}`, `-X helm.sh/helm/v3/pkg/${pkg}.k8sVersionMinor=${minor}`]),
  ];
}

/** Whether `bin` runs and `bin version --short` names `version`. */
export function reportsVersion(bin, version = HELM_VERSION) {
  if (!existsSync(bin)) return Promise.resolve(false);
  return new Promise((resolve) =>
    execFile(bin, ['version', '--short'], { timeout: 10_000 }, (err, stdout) => resolve(!err && stdout.trim().startsWith(version))),
  );
}

/** Runs a Go command outside any module (GOBIN set), streaming its output to `log`; resolves true on success. */
function runGo(go, args, { cwd, gobin, log }) {
  log(`$ go ${args.join(' ')}`);
  // Module mode regardless of the caller's GO111MODULE; GOFLAGS and GOCACHE are inherited, as for FerretDB.
  const env = { ...process.env, GOBIN: gobin, GO111MODULE: 'on' };
  const proc = spawn(go, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  readline.createInterface({ input: proc.stdout }).on('line', log);
  readline.createInterface({ input: proc.stderr }).on('line', log);
  return new Promise((resolve) => {
    proc.once('error', (err) => (log(err.message), resolve(false)));
    proc.once('close', (code) => resolve(code === 0));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureHelm().then(
    (bin) => process.stdout.write(`${JSON.stringify(bin ? { bin } : { bin: null, reason: ensureHelm.lastReason })}\n`),
    (err) => {
      defaultLog(err.message);
      process.exit(1);
    },
  );
}

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createPrivateKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { loadPublicKey, transparency } from '@warden/audit-client';

/**
 * A witness of an account's verifiable audit log (c2sp.org/tlog-witness, run as a client): it
 * verifies the latest checkpoint under the operator's pinned log key, checks with a consistency
 * proof that it extends the last checkpoint this witness cosigned, cosigns it (cosignature/v1) and
 * hands the cosignature to the log. A log that forked or rolled back is refused and nothing is
 * signed, posted or saved.
 */

export interface WitnessOptions {
  /** The gateway, e.g. https://warden.example.com. */
  url: string;
  /** An API token with `audit:read` and `audit:witness`. */
  token: string;
  /** The pinned log key: the note verifier key (`warden.audit/<account>+<id>+<base64>`), or an Ed25519 public key (PEM file, PEM text, base64 SPKI). */
  publicKey: string;
  /** The witness's Ed25519 private key: a PEM file, PEM text or base64 PKCS#8. */
  witnessKey: string;
  /** The witness's key name (its identity in signature lines). */
  name: string;
  /** The state file; default `.data/witness-<origin>.json`. */
  state?: string;
  /** POSIX seconds to date the cosignature with (default now). */
  now?: () => number;
}

/** What the witness last cosigned: the size and root it will only ever accept extensions of. */
export interface WitnessState {
  origin: string;
  size: number;
  rootHash: string;
  cosignedAt: string;
}

export interface WitnessResult {
  origin: string;
  stateFile: string;
  /** `first`: nothing was pinned yet (trust on first use); `extended`: consistent with the state; `same`: the state's checkpoint again. */
  outcome: 'first' | 'extended' | 'same';
  previous: { size: number; rootHash: string } | null;
  size: number;
  rootHash: string;
  witness: string;
  cosignature: string;
  /** 201: stored; 200: this witness key had already cosigned this checkpoint (the stored one comes back). */
  status: number;
}

/** The log is not what the witness saw before (a fork, a rollback, a bad signature): exit 1, nothing posted or saved. */
export class WitnessRefusal extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'WitnessRefusal';
  }
}

function readKeyText(given: string): string {
  return !given.includes('-----BEGIN') && existsSync(given) ? readFileSync(given, 'utf8') : given;
}

export function loadWitnessKey(given: string): KeyObject {
  const text = readKeyText(given).trim();
  const key = text.includes('-----BEGIN') ? createPrivateKey(text) : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new WitnessRefusal('The witness key must be an Ed25519 private key.');
  return key;
}

/** The pinned log key for `origin`: a vkey string pins the origin too; a bare public key is taken under the origin's name. */
function pinnedLogKey(given: string): { vkey?: transparency.VerifierKey; publicKey?: KeyObject } {
  const text = readKeyText(given).trim();
  if (!text.includes('-----BEGIN') && text.split('+').length >= 3) {
    const vkey = transparency.parseVerifierKey(text);
    if (vkey.type !== transparency.SIGNATURE_TYPE_ED25519) throw new WitnessRefusal('The pinned log key must be an Ed25519 note key (type 0x01).');
    return { vkey };
  }
  return { publicKey: loadPublicKey(text) };
}

export function defaultStateFile(origin: string): string {
  return join('.data', `witness-${origin.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

function readState(file: string): WitnessState | null {
  if (!existsSync(file)) return null;
  const state = JSON.parse(readFileSync(file, 'utf8')) as WitnessState;
  if (typeof state?.origin !== 'string' || !Number.isSafeInteger(state.size) || state.size < 1 || typeof state.rootHash !== 'string') {
    throw new WitnessRefusal(`The state file ${file} is not a witness state.`);
  }
  return state;
}

function writeState(file: string, state: WitnessState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

async function call(options: WitnessOptions, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; data: any; detail?: string }> {
  const response = await fetch(new URL(path, options.url), {
    method,
    headers: { authorization: `Bearer ${options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).catch((error: Error) => {
    throw new WitnessRefusal(`The log at ${options.url} did not answer: ${error.message}`);
  });
  const answer = (await response.json().catch(() => ({}))) as { data?: unknown; detail?: string; errors?: { message: string }[] };
  if (!response.ok) {
    const why = [answer.detail, ...(answer.errors ?? []).map((error) => error.message)].filter(Boolean).join(' ');
    throw new WitnessRefusal(`${method} ${path} failed: ${response.status} ${why}`.trim());
  }
  return { status: response.status, data: answer.data };
}

const sameRoot = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/** One witness round: verify, check consistency with the state, cosign, post, save. Throws `WitnessRefusal`. */
export async function runWitness(options: WitnessOptions): Promise<WitnessResult> {
  const witnessKey = loadWitnessKey(options.witnessKey);
  const pinned = pinnedLogKey(options.publicKey);

  const latest = await call(options, 'GET', '/api/v1/audit/checkpoints/latest');
  const note = String(latest.data?.note ?? '');
  let opened: transparency.OpenedCheckpoint;
  try {
    const { text } = transparency.parseNote(note);
    const origin = transparency.parseCheckpoint(text).origin;
    const key = pinned.vkey ?? transparency.verifierKey(origin, pinned.publicKey as KeyObject);
    opened = transparency.openCheckpoint(note, [key], { origin: key.name, required: [key] });
  } catch (error) {
    throw new WitnessRefusal(`The latest checkpoint does not verify under the pinned log key: ${(error as Error).message}. Nothing was cosigned.`);
  }
  const { origin, size, rootHash } = opened.checkpoint;
  const stateFile = options.state ?? defaultStateFile(origin);
  const state = readState(stateFile);

  let outcome: WitnessResult['outcome'] = 'first';
  if (state) {
    if (state.origin !== origin) throw new WitnessRefusal(`The state file ${stateFile} is for ${state.origin}, not ${origin}.`);
    const previousRoot = Buffer.from(state.rootHash, 'base64');
    if (size < state.size) {
      throw new WitnessRefusal(`ROLLBACK: the log's latest checkpoint has size ${size}, smaller than the size ${state.size} this witness cosigned. Nothing was cosigned and the state is unchanged.`);
    }
    if (size === state.size) {
      if (!sameRoot(previousRoot, rootHash)) {
        throw new WitnessRefusal(`FORK: the log's checkpoint of size ${size} has root ${rootHash.toString('base64')}, not the root ${state.rootHash} this witness cosigned. Nothing was cosigned and the state is unchanged.`);
      }
      outcome = 'same';
    } else {
      const proof = await call(options, 'GET', `/api/v1/audit/proofs/consistency?from=${state.size}&to=${size}`);
      const hashes = Array.isArray(proof.data?.proof) ? (proof.data.proof as unknown[]).map((hash) => Buffer.from(String(hash), 'base64')) : [];
      // Against the witness's own root and the signed root: the proof's own roots are not trusted.
      if (!transparency.verifyConsistency(state.size, size, previousRoot, rootHash, hashes)) {
        throw new WitnessRefusal(
          `FORK: the log's checkpoint of size ${size} does not extend the checkpoint of size ${state.size} (root ${state.rootHash}) this witness cosigned: the consistency proof does not verify. Nothing was cosigned and the state is unchanged.`,
        );
      }
      outcome = 'extended';
    }
  }

  const timestamp = options.now ? options.now() : Math.floor(Date.now() / 1000);
  const signature = transparency.signCosignature(opened.text, options.name, witnessKey, timestamp);
  const witness = transparency.formatVerifierKey(transparency.verifierKey(options.name, witnessKey, transparency.SIGNATURE_TYPE_COSIGNATURE_V1));
  const cosignature = transparency.formatSignatureLine(signature);
  const posted = await call(options, 'POST', `/api/v1/audit/checkpoints/${size}/cosignatures`, { cosignature, witness });

  const root = rootHash.toString('base64');
  writeState(stateFile, { origin, size, rootHash: root, cosignedAt: new Date(timestamp * 1000).toISOString() });
  return {
    origin,
    stateFile,
    outcome,
    previous: state ? { size: state.size, rootHash: state.rootHash } : null,
    size,
    rootHash: root,
    witness,
    cosignature: String(posted.data?.cosignature ?? cosignature),
    status: posted.status,
  };
}

export function describeWitness(result: WitnessResult): string {
  const from =
    result.outcome === 'first'
      ? 'first run: no earlier checkpoint pinned, this one is trusted on first use'
      : result.outcome === 'same'
        ? `the same checkpoint as last time (size ${result.size})`
        : `consistent with size ${result.previous?.size}`;
  const stored = result.status === 201 ? 'cosignature stored' : 'this key had already cosigned it';
  return `cosigned ${result.origin} at size ${result.size} (${result.rootHash}): ${from}; ${stored}\n${result.cosignature}\nstate: ${result.stateFile}`;
}

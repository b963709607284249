import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import os from 'node:os';
import type { Connection } from 'mongoose';
import { connectMongo } from '@warden/data';
import { RecordSealer } from '@warden/audit-feature';
// @ts-expect-error: the launcher is plain ESM JavaScript without type declarations
import { startInfra } from '../infra/launcher.mjs';

export interface BenchStore {
  /** The 1-minute load average when the bench began (reported with its figures). */
  startLoad: string;
  infra: { redisUrl: string; mongoUrl: string; pids: Record<string, number>; stop: () => Promise<void> };
  /** The audit signing key of this run, and the same key as AUDIT_SIGNING_KEY takes it. */
  privateKey: KeyObject;
  signingKey: string;
  sealer: RecordSealer;
  mongo: Connection;
}

/** A bench's own servers (the embedded store, Redis), audit keys made for this run, and a fresh database `<prefix>_<time>`. */
export async function startBenchStore(prefix: string): Promise<BenchStore> {
  const startLoad = os.loadavg()[0].toFixed(1);
  const infra = await startInfra({ ephemeral: true, log: (line: string) => console.error(`[infra] ${line}`) });
  const { privateKey } = generateKeyPairSync('ed25519');
  const signingKey = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  const mongo = await connectMongo(infra.mongoUrl, `${prefix}_${Date.now()}`);
  return { startLoad, infra, privateKey, signingKey, sealer: new RecordSealer(privateKey), mongo };
}

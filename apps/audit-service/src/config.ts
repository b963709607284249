import { z } from 'zod';
import { internalKeysVariable, loadEnv, portVariable, serviceEnvSchema } from '@warden/config';
import { loadSigningKey, parsePreviousPublicKeys } from '@warden/audit-client';
import { loadRecordSealKey } from '@warden/audit-feature';
import { parseAnchorSources } from './anchor-sources';

const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);
/** A comma-separated list (empty by default) that `parse` turns into values; what it throws is the variable's error. */
const parsedList = <T>(parse: (value: string) => T) =>
  z
    .string()
    .default('')
    .transform((value, context) => {
      try {
        return parse(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });

const schema = serviceEnvSchema.extend({
  PORT: portVariable(3003),
  /**
   * The gateway's key(s) for this service, the operator CLI's (`cli>audit-service`, for on-demand
   * checkpoints and the events it publishes) when it has one, and the producers' keys: the worker
   * records an event only when one of the `<producer>>audit-service` keys here authenticates it.
   */
  INTERNAL_KEYS: internalKeysVariable([
    { caller: 'gateway', audience: 'audit-service' },
    { caller: 'token-service', audience: 'audit-service' },
    { caller: 'credential-service', audience: 'audit-service' },
  ]),
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/).default('warden_audit'),
  /** `worker` consumes audit-events, `api` serves reads, `all` does both: scale them apart. */
  AUDIT_ROLE: z.enum(['worker', 'api', 'all']).default('all'),
  /** Jobs a worker process holds at once; the appender batches those of one account into one insert, so more in flight means larger inserts. */
  AUDIT_WORKER_CONCURRENCY: positiveInt(1_000),
  /** Largest number of records written by one insert. */
  AUDIT_BATCH_SIZE: positiveInt(500),
  /** Ed25519 private key, PEM or base64 PKCS#8 DER: signs checkpoints and derives the record seal key. */
  AUDIT_SIGNING_KEY: z.string().refine(
    (value) => {
      try {
        loadSigningKey(value);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be an Ed25519 private key (PEM or base64 PKCS#8)' },
  ),
  /**
   * The signing keys AUDIT_SIGNING_KEY replaced (docs/audit.md, "Rotating the signing key"):
   * `<base64 SPKI public key>@<RFC 3339 time it was retired>`, comma-separated. Checkpoints they
   * signed still verify, each under the key its key id names.
   */
  AUDIT_PREVIOUS_PUBLIC_KEYS: parsedList(parsePreviousPublicKeys),
  /** The record seal key (base64, 32 bytes); empty: derived from AUDIT_SIGNING_KEY. Kept as it is when the signing key rotates. */
  AUDIT_SEAL_KEY: z
    .string()
    .default('')
    .refine(
      (value) => {
        try {
          return value === '' || loadRecordSealKey(value).length > 0;
        } catch {
          return false;
        }
      },
      { message: 'must be 32 bytes, base64' },
    ),
  /**
   * How long `GET /audit/verify` verifies within the request (below the gateway's upstream timeout,
   * 10 s by default): a longer one goes on as a verification job and the request answers `202`
   * with its URL, instead of the gateway's `504`.
   */
  AUDIT_VERIFY_DEADLINE_MS: positiveInt(8_000),
  /** Every account whose chain grew is checkpointed this often. */
  AUDIT_CHECKPOINT_INTERVAL_MS: positiveInt(60_000),
  /** A burst is checkpointed every this many records, without waiting for the interval. */
  AUDIT_CHECKPOINT_EVERY: positiveInt(1_000),
  /**
   * Bounds on audit-recorded when internal consumers fall behind or are absent: notifications older
   * than this many seconds, and the oldest beyond this many, are dropped (the trail itself is in MongoDB).
   */
  AUDIT_RECORDED_RETENTION_SECONDS: positiveInt(7 * 24 * 3_600),
  AUDIT_RECORDED_MAX_JOBS: positiveInt(1_000_000),
  /**
   * The producing services that keep the log's head in their own databases, as `name=url` pairs
   * (each needs an `audit-service>name` key in INTERNAL_KEYS): `GET /audit/verify` holds the records
   * against them, so a cut tail is caught even with its checkpoints gone. Empty: checkpoints only.
   */
  AUDIT_ANCHOR_SOURCES: parsedList(parseAnchorSources),
});
export type AuditServiceConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AuditServiceConfig {
  return loadEnv(schema, env);
}

import { Schema, type Connection, type Model } from 'mongoose';
import { outboxField } from './outbox-field';
import type { Schemas } from '@warden/contracts-api';
import type { ChangeEvent } from '@warden/contracts-events';

/** An account's token types, and `platform`: the operator's tokens, owned by no account (`PLATFORM_OWNER`). */
export type ApiTokenType = Schemas['ApiTokenType'] | 'platform';
export type ApiTokenScope = Schemas['Scope'] | Schemas['PlatformScope'];
export type ApiTokenRateLimit = Schemas['RateLimit'];

/** A recoverable token's current secret, sealed (AES-256-GCM) under its account's token data key `keyId`. */
export interface SealedSecret {
  ciphertext: string;
  iv: string;
  tag: string;
  keyId: string;
}

/** A secret that still works for a while after a rotation (the grace period). */
export interface PreviousSecret {
  hash: string;
  expiresAt: Date;
}

export interface ApiTokenDoc {
  _id: string;
  accountId: string;
  name: string;
  type: ApiTokenType;
  enabled: boolean;
  scopes: ApiTokenScope[];
  allowedIps: string[];
  expiresAt: Date | null;
  rateLimit: ApiTokenRateLimit | null;
  /** HMAC-SHA-256 of the current secret under TOKEN_HASH_KEY, hex; never the secret itself. */
  secretHash: string;
  /** Prefix and last four characters of the current secret, for its owner to recognise it. */
  hint: string;
  previousSecrets: PreviousSecret[];
  /** Set only on tokens created with `recoverable: true`: the current secret, sealed for `reveal`. */
  sealedSecret?: SealedSecret | null;
  /** Bumped by every change that affects authentication; gateways compare it with Redis on each request. */
  authVersion: number;
  /** Bumped by every write: optimistic concurrency, so an event's prior snapshot is exactly what was replaced. */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
  lastUsedAt: Date | null;
  /** Tombstone: set on revoke; the outbox relay removes the document once its last event is out. */
  deletedAt: Date | null;
  /** Set on revoke until "revoked" is stored in Redis: the relay leaves the tombstone, so a repeated revoke finds it. */
  keepTombstone?: boolean;
  outbox: ChangeEvent[];
}

/** `{limit, windowSeconds}`: a token's own quota, and an account's. */
export const rateLimitSchema = new Schema<ApiTokenRateLimit>(
  { limit: { type: Number, required: true }, windowSeconds: { type: Number, required: true } },
  { _id: false },
);

const previousSecretSchema = new Schema<PreviousSecret>(
  { hash: { type: String, required: true }, expiresAt: { type: Date, required: true } },
  { _id: false },
);

export const apiTokenSchema = new Schema<ApiTokenDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    name: { type: String, required: true },
    type: { type: String, enum: ['api', 'service', 'platform'], required: true },
    enabled: { type: Boolean, required: true },
    scopes: { type: [String], default: [] },
    allowedIps: { type: [String], default: [] },
    expiresAt: { type: Date, default: null },
    rateLimit: { type: rateLimitSchema, default: null },
    secretHash: { type: String, required: true },
    hint: { type: String, required: true },
    previousSecrets: { type: [previousSecretSchema], default: [] },
    sealedSecret: { type: Schema.Types.Mixed, default: undefined },
    authVersion: { type: Number, required: true, default: 1 },
    revision: { type: Number, required: true, default: 1 },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
    deletedAt: { type: Date, default: null },
    keepTombstone: { type: Boolean },
    outbox: outboxField,
  },
  { collection: 'api_tokens', versionKey: false, strict: 'throw' },
);
apiTokenSchema.index({ secretHash: 1 }, { unique: true });
apiTokenSchema.index({ 'previousSecrets.hash': 1 });
apiTokenSchema.index({ accountId: 1, createdAt: -1, _id: -1 });

export function apiTokenModel(connection: Connection): Model<ApiTokenDoc> {
  return (connection.models.ApiToken as Model<ApiTokenDoc> | undefined) ?? connection.model<ApiTokenDoc>('ApiToken', apiTokenSchema);
}

import { Schema, type Connection, type Model } from 'mongoose';
import { outboxField } from './outbox-field';
import { rateLimitSchema, type ApiTokenRateLimit } from './api-token.model';
import type { ChangeEvent } from '@warden/contracts-events';

/** A tenant: every token, credential and audit record belongs to exactly one account. */
export interface AccountDoc {
  _id: string;
  name: string;
  createdAt: Date;
  /** False: the operator stopped the account, and none of its tokens authenticates. Absent on older documents: enabled. */
  enabled?: boolean;
  /** The account-wide quota all its tokens share, set by the operator; null or absent: the gateway's default. */
  rateLimit?: ApiTokenRateLimit | null;
  /** Bumped by every change: optimistic concurrency, and the order of stops and restarts in Redis. Absent: 0. */
  revision?: number;
  updatedAt?: Date;
  /** Set when the platform deleted the account: its tokens are revoked, and the document stays as the tombstone that says so. */
  deletedAt?: Date | null;
  /** Set once the credential service destroyed the account's data key; until then a repeated delete asks it again. */
  credentialsShreddedAt?: Date | null;
  outbox: ChangeEvent[];
}

export const accountSchema = new Schema<AccountDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    createdAt: { type: Date, required: true },
    enabled: { type: Boolean, default: true },
    rateLimit: { type: rateLimitSchema, default: null },
    revision: { type: Number, default: 0 },
    updatedAt: { type: Date },
    deletedAt: { type: Date, default: null },
    credentialsShreddedAt: { type: Date, default: null },
    outbox: outboxField,
  },
  { collection: 'accounts', versionKey: false, strict: 'throw' },
);
// The platform's list: newest first, one page after another.
accountSchema.index({ createdAt: -1, _id: -1 });

export function accountModel(connection: Connection): Model<AccountDoc> {
  return (connection.models.Account as Model<AccountDoc> | undefined) ?? connection.model<AccountDoc>('Account', accountSchema);
}

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
    outbox: outboxField,
  },
  { collection: 'accounts', versionKey: false, strict: 'throw' },
);

export function accountModel(connection: Connection): Model<AccountDoc> {
  return (connection.models.Account as Model<AccountDoc> | undefined) ?? connection.model<AccountDoc>('Account', accountSchema);
}

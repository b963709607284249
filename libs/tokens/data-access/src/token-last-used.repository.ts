import type { Connection, Model } from 'mongoose';
import { apiTokenLastUsedModel, type ApiTokenLastUsedDoc } from './api-token-last-used.model';
import { exclusiveWrite } from '@warden/data';

/**
 * Last use of each token, written in batches (never one write per request) and only forwards:
 * `$max` keeps a late, older batch from moving the time back. Not audited: it is not a change.
 * Kept in its own collection: every replica flushes, and a flush must not rewrite a token
 * document that another replica is changing (see api-token-last-used.model.ts).
 */
export class TokenLastUsedRepository {
  readonly model: Model<ApiTokenLastUsedDoc>;

  constructor(connection: Connection) {
    this.model = apiTokenLastUsedModel(connection);
  }

  async record(uses: { tokenId: string; at: Date }[]): Promise<void> {
    if (uses.length === 0) return;
    const operations = uses.map(({ tokenId, at }) => ({
      updateOne: { filter: { _id: tokenId }, update: { $max: { lastUsedAt: at } }, upsert: true, timestamps: false },
    }));
    await exclusiveWrite(this.model, () => this.model.bulkWrite(operations, { ordered: false }));
  }
}

import type { Connection, Model } from 'mongoose';
import { apiTokenModel, type ApiTokenDoc } from './api-token.model';
import { exclusiveWrite } from './exclusive-write';

/**
 * Last use of each token, written in batches (never one write per request) and only forwards:
 * `$max` keeps a late, older batch from moving the time back. Not audited: it is not a change.
 */
export class TokenLastUsedRepository {
  readonly model: Model<ApiTokenDoc>;

  constructor(connection: Connection) {
    this.model = apiTokenModel(connection);
  }

  async record(uses: { tokenId: string; at: Date }[]): Promise<void> {
    if (uses.length === 0) return;
    const operations = uses.map(({ tokenId, at }) => ({
      updateOne: { filter: { _id: tokenId }, update: { $max: { lastUsedAt: at } }, timestamps: false },
    }));
    await exclusiveWrite(this.model, () => this.model.bulkWrite(operations, { ordered: false }));
  }
}

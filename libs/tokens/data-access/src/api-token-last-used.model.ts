import { Schema, type Connection, type Model } from 'mongoose';

/**
 * When each token was last used, apart from the token document: the batched last-use writes of
 * every replica never rewrite a token document, so they can never undo a concurrent change of it
 * (on FerretDB v1 an update is a read-modify-write of the whole document).
 */
export interface ApiTokenLastUsedDoc {
  _id: string;
  lastUsedAt: Date;
}

const schema = new Schema<ApiTokenLastUsedDoc>(
  { _id: { type: String, required: true }, lastUsedAt: { type: Date, required: true } },
  { collection: 'api_token_last_used', versionKey: false, strict: 'throw' },
);

export function apiTokenLastUsedModel(connection: Connection): Model<ApiTokenLastUsedDoc> {
  return (connection.models.ApiTokenLastUsed as Model<ApiTokenLastUsedDoc> | undefined) ?? connection.model<ApiTokenLastUsedDoc>('ApiTokenLastUsed', schema);
}

/** The later of the time on the token document (written before last use moved out of it) and the one here. */
export async function withLastUsed<T extends { _id: string; lastUsedAt: Date | null }>(connection: Connection, tokens: T[]): Promise<T[]> {
  if (tokens.length === 0) return tokens;
  const uses = await apiTokenLastUsedModel(connection)
    .find({ _id: { $in: tokens.map((token) => token._id) } })
    .lean<ApiTokenLastUsedDoc[]>();
  const byId = new Map(uses.map((use) => [use._id, use.lastUsedAt]));
  return tokens.map((token) => {
    const used = byId.get(token._id);
    if (!used || (token.lastUsedAt && token.lastUsedAt >= used)) return token;
    return { ...token, lastUsedAt: used };
  });
}

import type { Connection, Model } from 'mongoose';
import { accountModel, type AccountDoc } from './account.model';
import { apiTokenModel, type ApiTokenDoc } from './api-token.model';
import { apiTokenLastUsedModel } from './api-token-last-used.model';
import { tokenDataKeyStore } from './token-secret-sealer';

/** Compiles the models on a connection and waits for their indexes (the unique secret hash above all). */
export async function initTokenModels(connection: Connection): Promise<{ accounts: Model<AccountDoc>; apiTokens: Model<ApiTokenDoc> }> {
  const accounts = accountModel(connection);
  const apiTokens = apiTokenModel(connection);
  await Promise.all([accounts.init(), apiTokens.init(), apiTokenLastUsedModel(connection).init(), tokenDataKeyStore(connection).model.init()]);
  return { accounts, apiTokens };
}

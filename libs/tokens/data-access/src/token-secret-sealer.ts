import type { Connection } from 'mongoose';
import { DataKeyStore, EnvelopeSealer, KeyRing, dataKeyModel, parseEncryptionKeys, type EncryptionKey } from '@warden/envelope';
import type { SealedSecret } from './api-token.model';

/** The data keys of the token ring are bound to this label, apart from the credential service's. */
const TOKEN_DATA_KEY_LABEL = 'warden.token-data-key.v1';

/** The token service's key ring (`TOKEN_ENCRYPTION_KEYS`): the newest key wraps data keys, every listed key unwraps. */
export class TokenKeyRing extends KeyRing {
  constructor(keys: EncryptionKey[]) {
    super(keys, { dataKeyLabel: TOKEN_DATA_KEY_LABEL });
  }

  static fromEnv(value: string): TokenKeyRing {
    return new TokenKeyRing(parseEncryptionKeys(value));
  }
}

/** The accounts' token data keys, in the token service's own database. */
export function tokenDataKeyStore(connection: Connection): DataKeyStore {
  return new DataKeyStore(dataKeyModel(connection, { modelName: 'TokenDataKey', collection: 'token_data_keys' }));
}

/** A sealed secret is bound to its account and token: copied onto another token, it no longer opens. */
const associatedData = (accountId: string, tokenId: string) => Buffer.from(JSON.stringify(['warden.api-token.v1', accountId, tokenId, 'secret']), 'utf8');

/**
 * Seals the secrets of recoverable tokens with the same envelope scheme as credentials: under the
 * account's token data key (created on its first recoverable token), bound to account, token and
 * field. Authentication never uses this; it stays on the keyed hash.
 */
export class TokenSecretSealer {
  private readonly envelope: EnvelopeSealer;

  constructor({ ring, store }: { ring: TokenKeyRing; store: DataKeyStore }) {
    this.envelope = new EnvelopeSealer({ ring, repository: store, sealed: 'its recoverable tokens' });
  }

  async seal(accountId: string, tokenId: string, secret: string): Promise<SealedSecret> {
    const { sealed } = await this.envelope.sealAll(accountId, { secret: { plaintext: secret, aad: associatedData(accountId, tokenId) } });
    return sealed.secret;
  }

  /** The secret in clear; a value that is not this token's is a `SealMismatchError`, a lost data key a `DataKeyUnavailableError`. */
  open(accountId: string, tokenId: string, sealed: SealedSecret): Promise<string> {
    return this.envelope.open(accountId, sealed, associatedData(accountId, tokenId));
  }

  /** Crypto-shredding of one account's recoverable secrets: its token data key destroyed. True when a live key was destroyed. */
  destroyDataKey(accountId: string, now?: Date): Promise<boolean> {
    return this.envelope.destroyDataKey(accountId, now);
  }
}

import type { Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { AppError } from '@warden/http';
import type { GatewayConfig } from '../config';
import type { Authenticator } from './authenticator';

export interface TokenAuthenticatorDeps {
  config: GatewayConfig;
  redis: Redis;
  logger: Logger;
}

/** Bearer-token authentication against the token service. */
export function createTokenAuthenticator(_deps: TokenAuthenticatorDeps): Authenticator {
  return {
    async authenticate() {
      throw AppError.unauthorized();
    },
  };
}

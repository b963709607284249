import type { Command } from 'commander';
import { registerPlatformTokenCommands } from './platform-tokens';
import { registerPlatformAccountCommands, registerPlatformAuditCommands } from './platform-accounts';

/**
 * `warden platform ...`: platform tokens are minted on the token database, like `accounts create`;
 * everything else is a client of the platform API through the gateway, holding such a token.
 */
export function registerPlatformCommands(program: Command): void {
  const platform = program.command('platform').description('Platform operators: platform tokens, and accounts and the platform audit chain through the platform API');
  registerPlatformTokenCommands(platform);
  registerPlatformAccountCommands(platform);
  registerPlatformAuditCommands(platform);
}

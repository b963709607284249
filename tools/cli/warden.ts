#!/usr/bin/env node
// The operator CLI: `npm run warden -- <command>`. Each command group lives in commands/ and
// registers itself here; commands talk to MongoDB/Redis from the same env the services use.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands';

/**
 * `npm start` records where it started Redis and MongoDB in .data/platform.json, and keeps the
 * installation's keys in .data/keys.json; without explicit REDIS_URL / MONGODB_URL and keys the CLI
 * talks to that platform with the keys it uses (and no other).
 */
async function useRunningPlatformDefaults(): Promise<void> {
  const dataDir = join(__dirname, '..', '..', '.data');
  const platform = join(dataDir, 'platform.json');
  if (existsSync(platform)) {
    const { redisUrl, mongoUrl } = JSON.parse(readFileSync(platform, 'utf8')) as { redisUrl?: string; mongoUrl?: string };
    process.env.REDIS_URL ??= redisUrl;
    process.env.MONGODB_URL ??= mongoUrl;
  }
  if (existsSync(join(dataDir, 'keys.json'))) {
    // @ts-expect-error: the launcher's key module is plain ESM JavaScript without type declarations
    const { keysFor, loadOrCreateKeys } = (await import('../platform/keys.mjs')) as { keysFor: (name: string, keys: unknown) => Record<string, string>; loadOrCreateKeys: (dir: string) => unknown };
    for (const [name, value] of Object.entries(keysFor('cli', loadOrCreateKeys(dataDir)))) process.env[name] ??= value;
  }
}

export function buildProgram(): Command {
  const program = new Command()
    .name('warden')
    .description('Operate a Warden installation: accounts, audit verification and credential keys.')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

if (require.main === module) {
  useRunningPlatformDefaults()
    .then(() => buildProgram().parseAsync(process.argv))
    .catch((error: unknown) => {
      if (error instanceof CommanderError) process.exit(error.exitCode);
      process.stderr.write(`warden: ${(error as Error).message}\n`);
      process.exit(typeof (error as { exitCode?: number }).exitCode === 'number' ? (error as { exitCode: number }).exitCode : 1);
    });
}

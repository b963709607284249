#!/usr/bin/env node
// The operator CLI: `npm run warden -- <command>`. Each command group lives in commands/ and
// registers itself here; commands talk to MongoDB/Redis from the same env the services use.
import { REPO_ROOT } from './repo-root';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands';

/**
 * `npm start` records where it started Redis and MongoDB in .data/platform.json, and keeps the
 * installation's keys in .data/keys.json; without explicit REDIS_URL / MONGODB_URL and keys the CLI
 * talks to that platform with the keys it uses (and no other).
 */
function useRunningPlatformDefaults(): void {
  const dataDir = join(REPO_ROOT, '.data');
  const platform = join(dataDir, 'platform.json');
  if (existsSync(platform)) {
    const { redisUrl, mongoUrl } = JSON.parse(readFileSync(platform, 'utf8')) as { redisUrl?: string; mongoUrl?: string };
    process.env.REDIS_URL ??= redisUrl;
    process.env.MONGODB_URL ??= mongoUrl;
  }
  const keysFile = join(dataDir, 'keys.json');
  if (existsSync(keysFile)) {
    // Written by tools/platform/keys.mjs: the CLI takes its own internal key (cli>...) and the keys of the data it reads.
    const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as { internal?: Record<string, string>; TOKEN_HASH_KEY?: string; CREDENTIAL_ENCRYPTION_KEYS?: string; AUDIT_PUBLIC_KEY?: string; AUDIT_PREVIOUS_PUBLIC_KEYS?: string };
    const own = Object.entries(keys.internal ?? {})
      .filter(([pair]) => pair.startsWith('cli>'))
      .map(([, entry]) => entry)
      .join(',');
    process.env.INTERNAL_KEYS ??= own || undefined;
    process.env.TOKEN_HASH_KEY ??= keys.TOKEN_HASH_KEY;
    process.env.CREDENTIAL_ENCRYPTION_KEYS ??= keys.CREDENTIAL_ENCRYPTION_KEYS;
    process.env.AUDIT_PUBLIC_KEY ??= keys.AUDIT_PUBLIC_KEY;
    // Only after a rotation (an unset variable must stay unset, not become the text 'undefined').
    if (keys.AUDIT_PREVIOUS_PUBLIC_KEYS) process.env.AUDIT_PREVIOUS_PUBLIC_KEYS ??= keys.AUDIT_PREVIOUS_PUBLIC_KEYS;
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
  useRunningPlatformDefaults();
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      if (error instanceof CommanderError) process.exit(error.exitCode);
      process.stderr.write(`warden: ${(error as Error).message}\n`);
      process.exit(typeof (error as { exitCode?: number }).exitCode === 'number' ? (error as { exitCode: number }).exitCode : 1);
    });
}

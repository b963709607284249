#!/usr/bin/env node
// The operator CLI: `npm run warden -- <command>`. Each command group lives in commands/ and
// registers itself here; commands talk to MongoDB/Redis from the same env the services use.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands';

/**
 * `npm start` records where it started Redis and MongoDB in .data/platform.json; without explicit
 * REDIS_URL / MONGODB_URL the CLI talks to that running platform.
 */
function useRunningPlatformDefaults(): void {
  const file = join(__dirname, '..', '..', '.data', 'platform.json');
  if (!existsSync(file)) return;
  const { redisUrl, mongoUrl } = JSON.parse(readFileSync(file, 'utf8')) as { redisUrl?: string; mongoUrl?: string };
  process.env.REDIS_URL ??= redisUrl;
  process.env.MONGODB_URL ??= mongoUrl;
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

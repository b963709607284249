#!/usr/bin/env node
// The operator CLI: `npm run warden -- <command>`. Each command group lives in commands/ and
// registers itself here; commands talk to MongoDB/Redis from the same env the services use.
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands';

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
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      if (error instanceof CommanderError) process.exit(error.exitCode);
      process.stderr.write(`warden: ${(error as Error).message}\n`);
      process.exit(typeof (error as { exitCode?: number }).exitCode === 'number' ? (error as { exitCode: number }).exitCode : 1);
    });
}

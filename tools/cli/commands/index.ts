import { REPO_ROOT } from '../repo-root';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { registerAccountCommands } from './accounts';
import { registerCredentialCommands } from './credentials';
import { registerAuditCommands } from './audit';
import { registerPlatformCommands } from './platform';

const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

/** Every command group registers itself here. */
export function registerCommands(program: Command): void {
  program.version(version, '-v, --version', 'print the Warden version');
  registerAccountCommands(program);
  registerCredentialCommands(program);
  registerAuditCommands(program);
  registerPlatformCommands(program);
}

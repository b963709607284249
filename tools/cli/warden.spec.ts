import { buildProgram } from './warden';

/** Every command the operator CLI offers, by group: what `warden --help` and `warden <group> --help` must list. */
const COMMANDS = {
  accounts: ['create', 'disable', 'rate-limit', 'enable'],
  audit: ['verify', 'failed', 'quarantined', 'replay', 'tail', 'checkpoint', 'witness', 'rotate-key'],
  credentials: ['rekey'],
  platform: ['tokens', 'accounts', 'audit'],
};

describe('warden CLI', () => {
  it('registers exactly its command groups and their commands', () => {
    const program = buildProgram();
    const registered = Object.fromEntries(program.commands.map((group) => [group.name(), group.commands.map((command) => command.name()).sort()]));
    expect(registered).toEqual(Object.fromEntries(Object.entries(COMMANDS).map(([group, commands]) => [group, [...commands].sort()])));
  });

  it('lists its commands in --help', () => {
    const program = buildProgram();
    const help = program.helpInformation();
    expect(help).toContain('Usage: warden');
    expect(help).toContain('--version');
    // One line per group under "Commands:", each with its description.
    const listed = help
      .slice(help.indexOf('Commands:'))
      .split('\n')
      .slice(1)
      .map((line) => /^ {2}(\S+)/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    expect(listed.filter((name) => name !== 'help').sort()).toEqual(Object.keys(COMMANDS).sort());
    for (const [group, commands] of Object.entries(COMMANDS)) {
      const groupHelp = program.commands.find((command) => command.name() === group)?.helpInformation() ?? '';
      expect([group, commands.filter((command) => !new RegExp(`^ {2}${command}\\b`, 'm').test(groupHelp))]).toEqual([group, []]);
    }
  });

  it('registers the platform groups and their commands', () => {
    const platform = buildProgram().commands.find((group) => group.name() === 'platform');
    const registered = Object.fromEntries((platform?.commands ?? []).map((group) => [group.name(), group.commands.map((command) => command.name()).sort()]));
    expect(registered).toEqual({ tokens: ['create', 'list', 'revoke'], accounts: ['create', 'delete', 'get', 'list', 'update'], audit: ['export'] });
  });

  it('refuses an unknown command with a non-zero exit', async () => {
    const program = buildProgram().configureOutput({ writeErr: () => undefined });
    await expect(program.parseAsync(['node', 'warden', 'no-such-command'])).rejects.toMatchObject({ exitCode: 1 });
  });
});

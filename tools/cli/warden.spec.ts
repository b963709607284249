import { buildProgram } from './warden';

describe('warden CLI', () => {
  it('lists its commands in --help', () => {
    const help = buildProgram().helpInformation();
    expect(help).toContain('Usage: warden');
    expect(help).toContain('--version');
  });

  it('refuses an unknown command with a non-zero exit', async () => {
    const program = buildProgram().configureOutput({ writeErr: () => undefined });
    await expect(program.parseAsync(['node', 'warden', 'no-such-command'])).rejects.toMatchObject({ exitCode: 1 });
  });
});

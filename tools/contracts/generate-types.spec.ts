import { spawnSync } from 'node:child_process';
import { copyFileSync, appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const committed = join(root, 'libs/contracts/api/src/generated/openapi.ts');

function check(target: string) {
  return spawnSync(process.execPath, [join(__dirname, 'generate-types.mjs'), '--check', '--target', target], { cwd: root, encoding: 'utf8' });
}

describe('generated contract types', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-contract-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('match the OpenAPI document as committed', () => {
    const result = check(committed);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('fail the check once they drift from the document', () => {
    const stale = join(dir, 'openapi.ts');
    copyFileSync(committed, stale);
    appendFileSync(stale, 'export type HandEdited = true;\n');
    const result = check(stale);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/is stale: run `npm run contracts:generate`/);
  });
});

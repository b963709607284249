// The PostgreSQL cluster behind the embedded MongoDB-compatible store (FerretDB's PostgreSQL
// backend). Plain Node with built-ins only, like the launcher that uses it.
//
// Why PostgreSQL and not SQLite: FerretDB v1 answers every query by scanning its table unless it
// can push an equality down to SQL, and it pushes it down only as `(_jsonb -> 'field') @> value`.
// SQLite has no index for that; PostgreSQL does (GIN). The cluster therefore carries an event
// trigger that gives every index FerretDB creates a GIN twin on the index's leading field, so the
// indexes Warden declares in its Mongoose schemas serve its equality lookups here as they do on
// MongoDB.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The role FerretDB connects as, and the database that holds its data. */
export const POSTGRES_ROLE = 'warden';
export const POSTGRES_DATABASE = 'ferretdb';

/**
 * The directory holding `initdb`, `postgres`, `psql` and `pg_isready`, or null when this machine has
 * no PostgreSQL server binaries (then the embedded store falls back to SQLite).
 */
export function postgresBinDir(which) {
  const candidates = [];
  const initdb = which('initdb');
  if (initdb) candidates.push(path.dirname(initdb));
  // Debian and Ubuntu keep the server binaries off PATH, one directory per major version.
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin')));
  }
  // Homebrew.
  candidates.push('/opt/homebrew/bin', '/usr/local/opt/postgresql/bin');
  const complete = (dir) => ['initdb', 'postgres', 'psql', 'pg_isready'].every((exe) => existsSync(path.join(dir, exe)));
  return candidates.find(complete) ?? null;
}

/**
 * PostgreSQL refuses to run as root. As root the cluster runs as the `postgres` system user (the
 * one its package creates); returns the `setpriv` prefix that does that, [] when not root, and null
 * when root has no such user to hand the cluster to.
 */
export async function runAsPrefix(which) {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { prefix: [], uid: undefined, gid: undefined };
  const setpriv = which('setpriv');
  if (!setpriv) return null;
  const ids = await Promise.all(['-u', '-g'].map((flag) => run('id', [flag, 'postgres']).then((r) => Number(r.stdout.trim()), () => NaN)));
  if (ids.some(Number.isNaN)) return null;
  const [uid, gid] = ids;
  return { prefix: [setpriv, `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--'], uid, gid };
}

/** Creates the cluster in `dir` on first use (trust authentication, loopback only). */
export async function initCluster({ bin, dir, runAs, log }) {
  if (existsSync(path.join(dir, 'PG_VERSION'))) return;
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  if (runAs.uid !== undefined) {
    chownSync(dir, runAs.uid, runAs.gid);
    openPathTo(dir, log);
  }
  log(`creating the embedded PostgreSQL cluster in ${dir}`);
  const [exe, ...args] = [...runAs.prefix, path.join(bin, 'initdb')];
  await run(exe, [...args, '-D', dir, '-U', POSTGRES_ROLE, '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-instructions'], {
    cwd: os.tmpdir(),
  });
}

/**
 * The server command line: loopback TCP only, no Unix socket, plans that can use expression indexes;
 * `settings` (server parameters) over those.
 */
export function serverCommand({ bin, dir, port, runAs, ephemeral, settings: extra = {} }) {
  const settings = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: '',
    // FerretDB passes the field name as a bind parameter; a generic plan cannot match it to an
    // expression index, a custom plan can.
    plan_cache_mode: 'force_custom_plan',
    max_connections: '200',
    shared_buffers: '256MB',
    ...(ephemeral ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
    ...extra,
  };
  const flags = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const [exe, ...args] = [...runAs.prefix, path.join(bin, 'postgres')];
  return { exe, args: [...args, '-D', dir, ...flags] };
}

/** Whether the server accepts connections (not merely listening while it starts up or recovers). */
export async function acceptsConnections({ bin, port }) {
  return run(path.join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', POSTGRES_ROLE, '-d', 'postgres']).then(
    () => true,
    () => false,
  );
}

/** Creates FerretDB's database and the GIN-twin trigger (idempotent; run on every start). */
export async function prepareDatabase({ bin, port }) {
  const psql = (database, sql) =>
    run(path.join(bin, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', POSTGRES_ROLE, '-d', database, '-c', sql]);
  const exists = await run(path.join(bin, 'psql'), [
    '-X', '-tA', '-h', '127.0.0.1', '-p', String(port), '-U', POSTGRES_ROLE, '-d', 'postgres',
    '-c', `SELECT 1 FROM pg_database WHERE datname = '${POSTGRES_DATABASE}'`,
  ]);
  if (exists.stdout.trim() !== '1') await psql('postgres', `CREATE DATABASE ${POSTGRES_DATABASE}`);
  await psql(POSTGRES_DATABASE, GIN_TWIN_SQL);
}

/** The connection URL FerretDB's `--postgresql-url` takes. */
export const postgresUrl = (port) => `postgres://${POSTGRES_ROLE}@127.0.0.1:${port}/${POSTGRES_DATABASE}`;

// For every btree index FerretDB creates on `(_jsonb -> 'field')`, a GIN index (jsonb_path_ops)
// on the same expression: the one FerretDB's pushed-down `@>` can use. Only the leading column is
// twinned: compound indexes lead with the field Warden looks up by equality.
export const GIN_TWIN_SQL = `
CREATE OR REPLACE FUNCTION warden_gin_twin() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
DECLARE
  cmd record;
  expr text;
  tbl record;
BEGIN
  FOR cmd IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' LOOP
    SELECT c.relname AS table_name, n.nspname AS schema_name, am.amname AS method
      INTO tbl
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_am am ON am.oid = ic.relam
     WHERE i.indexrelid = cmd.objid;
    CONTINUE WHEN tbl.method IS DISTINCT FROM 'btree';
    expr := pg_get_indexdef(cmd.objid, 1, false);
    CONTINUE WHEN expr !~ '^\\(+_jsonb -> ''[^'']+''::text\\)+$';
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin (%s jsonb_path_ops) WITH (fastupdate = off)',
      left(tbl.table_name, 40) || '_' || substr(md5(expr), 1, 12) || '_gin', tbl.schema_name, tbl.table_name, expr);
  END LOOP;
END
$fn$;
DROP EVENT TRIGGER IF EXISTS warden_gin_twin;
CREATE EVENT TRIGGER warden_gin_twin ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION warden_gin_twin();
`;

/** Lets the cluster's user reach `dir` through directories only root could enter (a mkdtemp 0700): search (x) only, never listing. */
function openPathTo(dir, log) {
  for (let parent = path.dirname(dir); parent !== path.dirname(parent); parent = path.dirname(parent)) {
    const mode = statSync(parent).mode & 0o777;
    if ((mode & 0o001) !== 0) continue;
    chmodSync(parent, mode | 0o001);
    log(`gave others search permission on ${parent} (mode ${(mode | 0o001).toString(8)}) so the postgres user reaches ${dir}`);
  }
}

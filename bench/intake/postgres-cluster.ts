import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from '../../src/cli/nats-servers.js';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster for the intake benchmark's database peer: Debian's `postgresql` (installed
 * with apt-get when missing and we are root), `initdb` on a temp directory, started on a loopback port and
 * removed again by `stop()`. PostgreSQL refuses to run as root, so as root every server command runs as the
 * `postgres` user the Debian package creates, on a directory that user owns.
 */
export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication on loopback only). */
  url: string;
  dataDir: string;
  /** CPU microseconds used so far by the postmaster and every process it started, live or gone. */
  cpuMicros(): number;
  stop(): void;
}

export interface PostgresSettings {
  /** `max_connections`: the peer's pool plus a few for seeding and superuser slots. */
  maxConnections: number;
}

const PG_ROOT = '/usr/lib/postgresql';

/**
 * The newest `/usr/lib/postgresql/<version>/bin` holding `pg_ctl` (Debian keeps the server programs off
 * PATH), else a PATH directory with `pg_ctl` and `initdb`; undefined when PostgreSQL is not installed.
 */
export function findPostgresBin(): string | undefined {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] !== undefined) return join(PG_ROOT, versions[0], 'bin');
  return (process.env.PATH ?? '').split(delimiter).find((dir) => dir !== '' && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb')));
}

/** Finds PostgreSQL, installing Debian's `postgresql` first when it is missing and this process may (root). */
export function ensurePostgres(): string {
  const found = findPostgresBin();
  if (found) return found;
  if (!isRoot()) throw new Error(`PostgreSQL is not installed (no ${PG_ROOT}/*/bin/pg_ctl, no pg_ctl on PATH): run \`apt-get install postgresql\` as root, or pass --peer none`);
  console.error('PostgreSQL is missing: apt-get install postgresql');
  execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const installed = findPostgresBin();
  if (!installed) throw new Error(`apt-get installed postgresql but no ${PG_ROOT}/*/bin/pg_ctl appeared`);
  return installed;
}

/** Creates and starts a cluster; the caller must call `stop()` (it also runs on exit, in case the caller dies first). */
export async function startPostgres(settings: PostgresSettings): Promise<PostgresCluster> {
  const bin = ensurePostgres();
  const dataDir = mkdtempSync(join(tmpdir(), 'fulcrum-pg-'));
  const asServer = serverUser(dataDir);
  const run = (program: string, args: string[]) => {
    const [command, ...rest] = asServer(join(bin, program), args);
    // cwd: the postgres user may not be able to read the directory the bench was started from.
    execFileSync(command!, rest, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dataDir });
  };
  let started = false;
  const stop = () => {
    if (started) {
      started = false;
      try {
        run('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w']);
      } catch (e) {
        console.error(`stopping PostgreSQL in ${dataDir} failed:`, e);
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
    process.off('exit', stop);
  };
  process.on('exit', stop);
  try {
    // --no-sync only skips flushing initdb's own files; the server's WAL is fsynced as usual during the run.
    run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    appendFileSync(
      join(dataDir, 'postgresql.conf'),
      [
        '',
        '# The intake benchmark peer: loopback only, durable commits (the defaults, stated so that nobody wonders).',
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${dataDir}'`,
        `max_connections = ${settings.maxConnections}`,
        'fsync = on',
        'synchronous_commit = on',
        '',
      ].join('\n'),
    );
    // Marked started first: a start that times out may still leave a server running, which stop() must end.
    started = true;
    run('pg_ctl', ['start', '-D', dataDir, '-w', '-t', '60', '-l', join(dataDir, 'server.log')]);
    const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      dataDir,
      cpuMicros: () => clusterCpuMicros(postmaster),
      stop,
    };
  } catch (e) {
    const log = join(dataDir, 'server.log');
    if (existsSync(log)) console.error(readFileSync(log, 'utf8'));
    stop();
    throw e;
  }
}

/**
 * The postmaster's CPU with that of its children: the live ones (backends, WAL writer, checkpointer) from
 * their own /proc entries, the exited ones (autovacuum workers come and go) from the postmaster's cutime and
 * cstime, which the kernel adds to when it reaps them. A child may exit between listing and reading it.
 */
function clusterCpuMicros(postmaster: number): number {
  const ticks = (pid: number, withReaped: boolean): number => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return 0;
    }
    // Fields after the command name: state is [0], utime [11], stime [12], cutime [13], cstime [14].
    const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ').map(Number);
    return f[11]! + f[12]! + (withReaped ? f[13]! + f[14]! : 0);
  };
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    /* no children list on this kernel: the postmaster alone */
  }
  const total = ticks(postmaster, true) + children.reduce((sum, pid) => sum + ticks(Number(pid), false), 0);
  return (total * 1e6) / 100; // USER_HZ = 100 on Linux
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** How to run a server program: as is, or as root through `runuser -u postgres` on a directory that user owns. */
function serverUser(dataDir: string): (program: string, args: string[]) => string[] {
  if (!isRoot()) return (program, args) => [program, ...args];
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(dataDir, uid, gid);
  return (program, args) => ['runuser', '-u', 'postgres', '--', program, ...args];
}


import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const binDir = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
const osUser = 'postgres';
// initdb refuses to run as root: as root, every server command runs as the `postgres` OS user instead.
const asRoot = process.getuid?.() === 0;

/**
 * A throwaway PostgreSQL server of its own (data folder in a temp folder, its own port, its own socket folder), so that
 * restarting it disturbs nothing else on the machine. Run as root, every server command runs as the `postgres` OS user
 * (`initdb` refuses root); run as anyone else, as that user.
 */
export class PostgresCluster {
  readonly dir: string;
  private readonly dataDir: string;
  private readonly logFile: string;
  private running = false;

  private constructor(readonly port: number) {
    this.dir = mkdtempSync(join(tmpdir(), 'bg-chaos-pg-'));
    this.dataDir = join(this.dir, 'data');
    this.logFile = join(this.dir, 'postgres.log');
  }

  /** initdb (trust auth for a `postgres` role on 127.0.0.1 only) and start. */
  static async create(port: number): Promise<PostgresCluster> {
    const cluster = new PostgresCluster(port);
    mkdirSync(join(cluster.dir, 'socket'));
    if (asRoot) {
      const { uid, gid } = osUserIds();
      chownSync(cluster.dir, uid, gid);
      chownSync(join(cluster.dir, 'socket'), uid, gid);
    }
    run('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    cluster.start();
    return cluster;
  }

  /** URL of database `name` on this server. */
  url(name = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  start(): void {
    const options = [
      `-p ${this.port}`,
      "-c listen_addresses='127.0.0.1'",
      `-c unix_socket_directories='${join(this.dir, 'socket')}'`,
      '-c fsync=off',
      '-c max_connections=200',
    ].join(' ');
    run('pg_ctl', ['-D', this.dataDir, '-l', this.logFile, '-o', options, '-w', '-t', '60', 'start']);
    this.running = true;
  }

  /** `fast`: every session is terminated (what a restart does to the services' connections). */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    if (!this.running) return;
    run('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    this.running = false;
  }

  /** The last lines of the server log. */
  logTail(lines = 20): string {
    return existsSync(this.logFile)
      ? readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
      : '';
  }

  /** Stops the server (if running) and deletes its folder. */
  destroy(): void {
    try {
      this.stop('immediate');
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function run(command: string, args: string[]): void {
  const [file, ...argv] = asRoot
    ? ['runuser', '-u', osUser, '--', join(binDir, command), ...args]
    : [join(binDir, command), ...args];
  const result = spawnSync(file!, argv, { encoding: 'utf8', cwd: tmpdir() });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

function osUserIds(): { uid: number; gid: number } {
  const id = (flag: string) => {
    const result = spawnSync('id', [flag, osUser], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`no '${osUser}' OS user to run a throwaway PostgreSQL as`);
    return Number(result.stdout.trim());
  };
  return { uid: id('-u'), gid: id('-g') };
}

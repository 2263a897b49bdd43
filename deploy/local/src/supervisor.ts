import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './services';

export type SupervisedService = { name: string; entry: string; env: Record<string, string>; nodeArgs?: string[] };

/**
 * Runs each service as a child process with its logs in `<logsDir>/<name>.log`, restarting one that exits non-zero
 * (the services exit on a fatal consumer error precisely so that something restarts them).
 */
export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(
    private readonly logsDir: string,
    private readonly pidsDir: string,
    private readonly say: (line: string) => void,
  ) {
    mkdirSync(logsDir, { recursive: true });
    mkdirSync(pidsDir, { recursive: true });
  }

  start(service: SupervisedService, restarts = 0): void {
    const log = createWriteStream(join(this.logsDir, `${service.name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [...(service.nodeArgs ?? []), '--import', 'tsx', service.entry], {
      cwd: repoRoot,
      env: { ...process.env, ...service.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.children.set(service.name, child);
    writeFileSync(join(this.pidsDir, `${service.name}.pid`), String(child.pid));
    child.on('exit', (code, signal) => {
      this.children.delete(service.name);
      rmSync(join(this.pidsDir, `${service.name}.pid`), { force: true });
      if (this.stopping) return;
      if (restarts >= 5) {
        this.say(`${service.name} exited (${code ?? signal}) and was restarted 5 times; giving up — see its log`);
        return;
      }
      this.say(`${service.name} exited (${code ?? signal}); restarting in 1 s`);
      setTimeout(() => this.start(service, restarts + 1), 1_000);
    });
  }

  /** Pid of a running service, if any. */
  pidOf(name: string): number | undefined {
    return this.children.get(name)?.pid;
  }

  /** SIGTERM to every child (each shuts down in order under its own deadline), SIGKILL after `graceMs`. */
  async stopAll(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    const exits = [...this.children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => (clearTimeout(timer), resolve()));
          child.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
  }
}

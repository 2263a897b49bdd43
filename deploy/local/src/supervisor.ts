import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, serviceHeapLimitMb } from '@bg/infra';

/** A service to run: `entry` is compiled JavaScript (`dist/main.js`) or a TypeScript main run through tsx. */
export type SupervisedService = { name: string; entry: string; env: Record<string, string>; nodeArgs?: string[] };

/** When a service that exited is started again. */
export type RestartPolicy = {
  /** Delay before the first restart; it doubles with each exit that follows a short run. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A child that ran at least this long was healthy: its next restart waits `initialDelayMs` again. */
  healthyAfterMs: number;
};

export const defaultRestartPolicy: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  healthyAfterMs: 30_000,
};

/**
 * Runs each service as a child process with its logs in `<logsDir>/<name>.log`, restarting one that exits (the
 * services exit on a fatal consumer error precisely so that something restarts them). Restarts back off
 * exponentially and never stop while the supervisor runs: an outage of the broker or the database only delays them,
 * and the services come back once it is over.
 */
export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private readonly pendingRestarts = new Map<string, NodeJS.Timeout>();
  private readonly policy: RestartPolicy;
  private stopping = false;

  constructor(
    private readonly logsDir: string,
    private readonly pidsDir: string,
    private readonly say: (line: string) => void,
    policy: Partial<RestartPolicy> = {},
  ) {
    this.policy = { ...defaultRestartPolicy, ...policy };
    mkdirSync(logsDir, { recursive: true });
    mkdirSync(pidsDir, { recursive: true });
  }

  start(service: SupervisedService): void {
    this.run(service, 0);
  }

  /** `exits`: how many times the service exited since a child last stayed up `healthyAfterMs`. */
  private run(service: SupervisedService, exits: number): void {
    const log = createWriteStream(join(this.logsDir, `${service.name}.log`), { flags: 'a' });
    // Compiled JavaScript runs as it is (with its source maps); a TypeScript entry runs through tsx.
    const runtime = service.entry.endsWith('.js') ? ['--enable-source-maps'] : ['--import', 'tsx'];
    // The service's own node arguments come after the heap limit, so that they may override it.
    const nodeArgs = [`--max-old-space-size=${serviceHeapLimitMb}`, ...(service.nodeArgs ?? [])];
    const child = spawn(process.execPath, [...nodeArgs, ...runtime, service.entry], {
      cwd: repoRoot,
      env: { ...process.env, ...service.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const startedAt = Date.now();
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.children.set(service.name, child);
    writeFileSync(join(this.pidsDir, `${service.name}.pid`), String(child.pid));
    child.on('exit', (code, signal) => {
      this.children.delete(service.name);
      rmSync(join(this.pidsDir, `${service.name}.pid`), { force: true });
      if (this.stopping) return;
      const ranMs = Date.now() - startedAt;
      const streak = ranMs >= this.policy.healthyAfterMs ? 1 : exits + 1;
      // The exponent is bounded so that the delay stays a number however long an outage lasts.
      const delayMs = Math.min(this.policy.initialDelayMs * 2 ** Math.min(streak - 1, 30), this.policy.maxDelayMs);
      this.say(
        `${service.name} exited (${code ?? signal}) after ${seconds(ranMs)}; restarting in ${seconds(delayMs)}` +
          (streak > 1 ? ` (exit ${streak} since it last stayed up; see its log)` : ''),
      );
      const timer = setTimeout(() => {
        this.pendingRestarts.delete(service.name);
        this.run(service, streak);
      }, delayMs);
      this.pendingRestarts.set(service.name, timer);
    });
  }

  /** Pid of a running service, if any. */
  pidOf(name: string): number | undefined {
    return this.children.get(name)?.pid;
  }

  /**
   * Cancels pending restarts, then SIGTERM to every child (each shuts down in order under its own deadline), SIGKILL
   * after `graceMs`.
   */
  async stopAll(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    for (const timer of this.pendingRestarts.values()) clearTimeout(timer);
    this.pendingRestarts.clear();
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

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 1_000 ? 2 : 1)} s`;

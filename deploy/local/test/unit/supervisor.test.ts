import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, serviceHeapLimitMb } from '@bg/infra';
import { Supervisor, type RestartPolicy } from '../../src/supervisor';

// Real child processes, with the timings scaled down: quick runs take well under `healthyAfterMs`, the healthy one
// stays up well over it.
const policy: RestartPolicy = { initialDelayMs: 50, maxDelayMs: 400, healthyAfterMs: 2_500 };
const entry = fileURLToPath(new URL('./support/flaky-service.ts', import.meta.url));

let workDir: string;
let supervisor: Supervisor | undefined;

afterEach(async () => {
  await supervisor?.stopAll(2_000);
  supervisor = undefined;
  rmSync(workDir, { recursive: true, force: true });
});

/** Starts the flaky service under a new supervisor with `plan` (see support/flaky-service.ts). */
function supervise(plan: string[], restartPolicy: Partial<RestartPolicy> = policy, env: Record<string, string> = {}) {
  workDir = mkdtempSync(join(tmpdir(), 'bg-supervisor-'));
  const runsFile = join(workDir, 'runs');
  const said: string[] = [];
  supervisor = new Supervisor(join(workDir, 'logs'), join(workDir, 'pids'), (line) => said.push(line), restartPolicy);
  supervisor.start({ name: 'flaky', entry, env: { RUNS_FILE: runsFile, PLAN: plan.join(','), ...env } });
  const runStarts = () =>
    existsSync(runsFile) ? readFileSync(runsFile, 'utf8').split('\n').filter(Boolean).map(Number) : [];
  return { said, runStarts };
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const delayOf = (line: string) => Number(/restarting in ([\d.]+) s/.exec(line)?.[1]) * 1000;

describe('the supervisor', () => {
  it('keeps restarting a service that fails more than 5 times, backing off, and resets after a healthy run', async () => {
    const { said, runStarts } = supervise(['fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'up:3000', 'fail']);
    // Run 10 stays up: the supervisor never gave up.
    await until(() => runStarts().length === 10 && said.length === 9, 30_000, 'the tenth run');
    expect(supervisor!.pidOf('flaky')).toBeDefined();

    expect(said.every((line) => line.startsWith('flaky exited (1) after '))).toBe(true);
    // Doubling from 50 ms to the 400 ms cap over the seven quick failures; the exit after the healthy run starts over.
    expect(said.map(delayOf)).toEqual([50, 100, 200, 400, 400, 400, 400, 50, 100]);
    expect(said[6]).toContain('exit 7 since it last stayed up');
    expect(said[7]).not.toContain('since it last stayed up');
    // The delays are waited for: each run starts at least its delay after the previous one.
    const starts = runStarts();
    said.forEach((line, i) => expect(starts[i + 1]! - starts[i]!).toBeGreaterThanOrEqual(delayOf(line)));
  }, 60_000);

  it('cancels a pending restart when it stops, and starts nothing afterwards', async () => {
    const { said, runStarts } = supervise(['fail'], { ...policy, initialDelayMs: 1_000 });
    await until(() => said.length === 1, 10_000, 'the first exit');
    await supervisor!.stopAll(2_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(runStarts()).toHaveLength(1);
    expect(supervisor!.pidOf('flaky')).toBeUndefined();
  });

  it('runs a service with the heap limit the image sets too (without it V8 sizes the heap for the machine)', async () => {
    const heapFile = join(tmpdir(), `bg-heap-${process.pid}`);
    rmSync(heapFile, { force: true });
    supervise(['up'], policy, { HEAP_FILE: heapFile });
    await until(() => existsSync(heapFile) && readFileSync(heapFile, 'utf8') !== '', 10_000, 'the heap limit');
    const limitMb = Number(readFileSync(heapFile, 'utf8'));
    rmSync(heapFile, { force: true });
    // V8's limit is the old space's plus the young generation's.
    expect(limitMb).toBeGreaterThanOrEqual(serviceHeapLimitMb);
    expect(limitMb).toBeLessThan(serviceHeapLimitMb + 64);
    const dockerfile = readFileSync(join(repoRoot, 'deploy/docker/Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`NODE_OPTIONS=--max-old-space-size=${serviceHeapLimitMb}`);
  });
});

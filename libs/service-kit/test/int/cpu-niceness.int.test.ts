import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { baseConfigSchema } from '../../src/config';

const module = fileURLToPath(new URL('../../src/cpu-priority.ts', import.meta.url));

/** The niceness of every thread of a fresh Node process after it called setCpuNiceness(`niceness`). */
function threadNicenessAfter(niceness: number): number[] {
  const script = `
    import { readdirSync, readFileSync } from 'node:fs';
    const { setCpuNiceness } = await import(${JSON.stringify(module)});
    setCpuNiceness(${niceness});
    // A libuv pool thread started afterwards (by this read) inherits the main thread's niceness.
    await import('node:fs/promises').then((fs) => fs.readFile('/proc/self/stat'));
    const nice = readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync('/proc/self/task/' + tid + '/stat', 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
    console.log(JSON.stringify(nice));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as number[];
}

describe('CPU niceness', () => {
  it.runIf(process.platform === 'linux')('applies to every thread of the process, not only the main one', () => {
    const threads = threadNicenessAfter(7);
    // Node runs V8's platform workers and libuv's pool besides the main thread.
    expect(threads.length).toBeGreaterThan(4);
    expect(new Set(threads)).toEqual(new Set([7]));
  });

  it('is 0 unless configured, and refuses what is not a niceness', () => {
    const env = { KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL: 'postgres://h/db' };
    expect(baseConfigSchema.parse(env).CPU_NICENESS).toBe(0);
    expect(baseConfigSchema.parse({ ...env, CPU_NICENESS: '10' }).CPU_NICENESS).toBe(10);
    expect(baseConfigSchema.safeParse({ ...env, CPU_NICENESS: '20' }).success).toBe(false);
    expect(baseConfigSchema.safeParse({ ...env, CPU_NICENESS: '-5' }).success).toBe(false);
  });
});

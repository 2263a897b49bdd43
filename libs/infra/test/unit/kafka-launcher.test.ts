import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAlive, waitForLine } from '../../src/kafka-launcher';

const started = 'Kafka Server started';
let workDir: string;
let logFile: string;
const pids: number[] = [];

beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'bg-kafka-log-'));
  logFile = join(workDir, 'kafka.log');
  // What an earlier run left in the log, which is appended to.
  writeFileSync(logFile, `[2026-11-26 09:00:00,000] INFO [KafkaRaftServer nodeId=1] ${started} (old run)\n`);
});

afterEach(() => {
  for (const pid of pids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
});

/** A stand-in broker whose output is appended to the log, as the launcher starts it; returns where it started. */
function startWriter(script: string): { pid: number; from: number } {
  const out = openSync(logFile, 'a');
  const from = statSync(logFile).size;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', out, out] });
  closeSync(out);
  pids.push(child.pid!);
  return { pid: child.pid!, from };
}

describe('waiting for the broker to say it started', () => {
  it('does not take a "started" line from an earlier run for this start', async () => {
    const { pid, from } = startWriter('setInterval(() => {}, 1000)');
    await expect(waitForLine({ file: logFile, from, needle: started, pid, timeoutMs: 1_000 })).rejects.toThrow(
      'Kafka did not start within 1000 ms',
    );
    // A broker that did not start in time is stopped, not left behind.
    expect(isAlive(pid)).toBe(false);
  });

  it('takes the line once this start writes it', async () => {
    const { pid, from } = startWriter(
      `setTimeout(() => console.log('${started} (this run)'), 300); setInterval(() => {}, 1000)`,
    );
    await expect(
      waitForLine({ file: logFile, from, needle: started, pid, timeoutMs: 10_000 }),
    ).resolves.toBeUndefined();
  });

  it('reports an exit during start with the lines of this start only', async () => {
    const { pid, from } = startWriter(`console.log('storage is not formatted'); process.exit(1)`);
    const waiting = waitForLine({ file: logFile, from, needle: started, pid, timeoutMs: 10_000 });
    await expect(waiting).rejects.toThrow(/Kafka exited during start; last lines of .*:\nstorage is not formatted$/);
  });
});

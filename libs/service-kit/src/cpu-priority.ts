import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Gives the whole process the CPU niceness `niceness` (0 = normal, 19 = lowest): on a shared machine a process at 10
 * gets the CPU only as far as the normal ones leave it. On Linux niceness belongs to each thread, so every thread that
 * exists now (V8's and libuv's included) is set; threads started later inherit it from the one that starts them.
 */
export function setCpuNiceness(niceness: number): void {
  if (niceness === 0) return;
  let threads: number[];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    threads = [0]; // No /proc: the calling thread, which on other systems means the process.
  }
  for (const thread of threads) setPriority(thread, niceness);
}

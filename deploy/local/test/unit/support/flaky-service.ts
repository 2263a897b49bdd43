/**
 * A stand-in service for supervisor tests. Each run appends its start time to `RUNS_FILE` and then follows the step
 * of `PLAN` (comma-separated) at its index: `fail` exits 1 at once, `up:<ms>` stays up that long and then exits 1,
 * `up` (also past the end of the plan) stays up until it is stopped. With `HEAP_FILE` it writes there the heap limit V8
 * gave it (MB).
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

const runsFile = process.env.RUNS_FILE!;
const run = existsSync(runsFile) ? readFileSync(runsFile, 'utf8').split('\n').filter(Boolean).length : 0;
appendFileSync(runsFile, `${Date.now()}\n`);
if (process.env.HEAP_FILE) writeFileSync(process.env.HEAP_FILE, String(getHeapStatistics().heap_size_limit / 2 ** 20));
const step = process.env.PLAN!.split(',')[run] ?? 'up';
if (step === 'fail') process.exit(1);
const upMs = step.split(':')[1];
if (upMs) setTimeout(() => process.exit(1), Number(upMs));
else setInterval(() => undefined, 60_000);

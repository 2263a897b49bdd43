/**
 * `tsx deploy/bench/summarize-profile.ts <file.cpuprofile> [top] [fromSec-toSec] [--inclusive]`: time by function,
 * heaviest first — self time, or with `--inclusive` the time a function was anywhere on the stack (itself and what it
 * called; a recursive function counted once per sample). The window (seconds since the profile started, i.e. since
 * the process started) narrows it to one phase: the bench's log lines carry the wall-clock time of each phase, and the
 * services start about when "services ready" is printed.
 */
import { readFileSync } from 'node:fs';

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
};
const inclusive = process.argv.includes('--inclusive');
const [file, top = '25', window] = process.argv.slice(2).filter((a) => a !== '--inclusive');
const [fromSec, toSec] = window ? window.split('-').map(Number) : [0, Infinity];
const profile = JSON.parse(readFileSync(file!, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);

const keyOf = (id: number) => {
  const { functionName, url, lineNumber } = byNode.get(id)!.callFrame;
  return `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/\/work\/main\//, '')}:${lineNumber + 1}`;
};
/** The functions a sample charges: the leaf alone (self time), or every distinct function on its stack. */
const charged = (leaf: number): Iterable<string> => {
  if (!inclusive) return [keyOf(leaf)];
  const keys = new Set<string>();
  for (let id: number | undefined = leaf; id !== undefined; id = parentOf.get(id)) keys.add(keyOf(id));
  return keys;
};

const time = new Map<string, number>();
let elapsedUs = 0;
let total = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  elapsedUs += delta;
  if (elapsedUs < fromSec! * 1e6 || elapsedUs > toSec! * 1e6) return;
  total += delta;
  for (const key of charged(id)) time.set(key, (time.get(key) ?? 0) + delta);
});
console.log(`${(total / 1e6).toFixed(1)} s of samples in the window (${inclusive ? 'inclusive' : 'self'} time)`);
for (const [key, us] of [...time].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
}

/**
 * `tsx deploy/bench/summarize-profile.ts <file.cpuprofile> [top] [fromSec-toSec]`: self time by function, heaviest
 * first. The window (seconds since the profile started, i.e. since the process started) narrows it to one phase: the
 * bench's log lines carry the wall-clock time of each phase, and the services start about when "services ready" is
 * printed.
 */
import { readFileSync } from 'node:fs';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number };
const [file, top = '25', window] = process.argv.slice(2);
const [fromSec, toSec] = window ? window.split('-').map(Number) : [0, Infinity];
const profile = JSON.parse(readFileSync(file!, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let elapsedUs = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  elapsedUs += delta;
  if (elapsedUs < fromSec! * 1e6 || elapsedUs > toSec! * 1e6) return;
  const { functionName, url, lineNumber } = byNode.get(id)!.callFrame;
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/\/work\/main\//, '')}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + delta);
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log(`${(total / 1e6).toFixed(1)} s of samples in the window`);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
}

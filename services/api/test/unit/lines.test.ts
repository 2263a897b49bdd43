import { describe, expect, it } from 'vitest';
import { splitLines, type Line } from '../../src/domain/lines';

async function collect(chunks: (string | Buffer)[], max = 1024): Promise<Line[]> {
  const lines: Line[] = [];
  for await (const line of splitLines(
    (async function* () {
      yield* chunks;
    })(),
    max,
  ))
    lines.push(line);
  return lines;
}

describe('splitLines', () => {
  it('numbers lines from 1 across chunk boundaries, LF or CRLF, with or without a final newline', async () => {
    expect(await collect(['{"a":', '1}\r\n\n{"b"', ':2}'])).toEqual([
      { number: 1, text: '{"a":1}' },
      { number: 2, text: '' },
      { number: 3, text: '{"b":2}' },
    ]);
    expect(await collect(['x\n'])).toEqual([{ number: 1, text: 'x' }]);
    expect(await collect([])).toEqual([]);
  });

  it('keeps a multi-byte character split between chunks intact', async () => {
    const bytes = Buffer.from('Chloé\n');
    expect(await collect([bytes.subarray(0, 5), bytes.subarray(5)])).toEqual([{ number: 1, text: 'Chloé' }]);
  });

  it('reports a line longer than the limit without holding it, and goes on', async () => {
    expect(await collect(['short\n', 'x'.repeat(10), 'y'.repeat(10), '\nnext'], 15)).toEqual([
      { number: 1, text: 'short' },
      { number: 2, tooLong: true },
      { number: 3, text: 'next' },
    ]);
  });
});

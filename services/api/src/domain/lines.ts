/** One line of a text stream, numbered from 1, or a line too long to hold (its text dropped). */
export type Line = { number: number; text: string } | { number: number; tooLong: true };

/**
 * Splits a byte stream into lines (LF or CRLF) as it arrives, holding at most `maxLineBytes` of one line: an upload
 * of any size is read in constant memory, and one runaway line is reported instead of exhausting the heap.
 */
export async function* splitLines(chunks: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let held = 0;
  let overflow = false;
  let number = 0;
  const finish = (): Line => {
    number += 1;
    const line: Line = overflow
      ? { number, tooLong: true }
      : { number, text: stripCr(Buffer.concat(parts).toString('utf8')) };
    parts = [];
    held = 0;
    overflow = false;
    return line;
  };
  for await (const chunk of chunks) {
    let buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (let newline = buffer.indexOf(10); newline >= 0; newline = buffer.indexOf(10)) {
      keep(buffer.subarray(0, newline));
      yield finish();
      buffer = buffer.subarray(newline + 1);
    }
    keep(buffer);
  }
  if (held > 0 || overflow) yield finish();

  function keep(piece: Buffer): void {
    if (overflow || piece.length === 0) return;
    if (held + piece.length > maxLineBytes) {
      overflow = true;
      parts = [];
      return;
    }
    parts.push(piece);
    held += piece.length;
  }
}

const stripCr = (text: string): string => (text.endsWith('\r') ? text.slice(0, -1) : text);

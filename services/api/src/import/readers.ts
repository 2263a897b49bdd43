import { Transform, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { importColumns } from '../domain/import-rows';
import { splitLines } from '../domain/lines';
import { ProblemError } from '../domain/problem';

/** A record of an uploaded file with the line it is on, or the reason a line could not be read at all. */
export type RawRecord = { line: number; record: unknown } | { line: number; reason: string };

export const maxLineBytes = 64 * 1024;

const canonical = new Map(importColumns.map((name) => [name.toLowerCase(), name]));

/**
 * CSV with a header row naming the columns (any order, any case; extra columns ignored). Lines count from 1, the
 * header being line 1; a record spanning lines (quoted line breaks) is reported at the line it starts on. Stray quotes
 * are kept as text (the row then fails validation on its own); a quote never closed swallows the rest of the file,
 * which is reported as one rejection naming the lines that could not be read.
 */
export async function* csvRecords(body: Readable): AsyncGenerator<RawRecord> {
  const skipped: RawRecord[] = [];
  let lastRecordEnd = 0;
  const parser = body.pipe(crlfToLf()).pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      info: true,
      max_record_size: maxLineBytes,
      skip_records_with_error: true,
      on_record: (record, context) => {
        lastRecordEnd = context.lines;
        return record;
      },
      on_skip: (error) => {
        const from = lastRecordEnd + 1;
        const to = (error as { lines?: number } | undefined)?.lines ?? from;
        const where = to > from ? `lines ${from} to ${to} could not be read` : 'the line could not be read';
        skipped.push({ line: from, reason: `CSV syntax error, ${where}: ${error?.message ?? 'unreadable record'}` });
        lastRecordEnd = to;
        return undefined;
      },
    }),
  );
  let header: (string | null)[] | null = null;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield* skipped.splice(0);
    const line = info.lines - record.reduce((breaks, field) => breaks + (field.match(/\n/g)?.length ?? 0), 0);
    if (header === null) {
      header = checkHeader(record);
      continue;
    }
    const names = header;
    yield {
      line,
      record: Object.fromEntries(names.flatMap((name, i) => (name === null ? [] : [[name, record[i] ?? '']]))),
    };
  }
  yield* skipped.splice(0);
  if (header === null)
    throw new ProblemError(400, 'the file is empty: expected a header row, then one row per membership');
}

/** NDJSON: one JSON object per line; blank lines are skipped but still counted. */
export async function* ndjsonRecords(body: Readable): AsyncGenerator<RawRecord> {
  for await (const line of splitLines(body, maxLineBytes)) {
    if ('tooLong' in line) {
      yield { line: line.number, reason: `the line is longer than ${maxLineBytes} bytes` };
      continue;
    }
    if (line.text.trim() === '') continue;
    try {
      yield { line: line.number, record: JSON.parse(line.text) };
    } catch (error) {
      yield { line: line.number, reason: `not valid JSON: ${(error as Error).message}` };
    }
  }
}

/**
 * CRLF → LF ahead of the CSV parser, which counts a CRLF inside a quoted field as two lines (and would then misnumber
 * every later row). A CR ending a chunk is held until the next chunk shows whether an LF follows.
 */
function crlfToLf(): Transform {
  let pendingCr = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let text = (pendingCr ? '\r' : '') + chunk.toString('latin1');
      pendingCr = text.endsWith('\r');
      if (pendingCr) text = text.slice(0, -1);
      done(null, Buffer.from(text.replaceAll('\r\n', '\n'), 'latin1'));
    },
    flush(done) {
      done(null, pendingCr ? Buffer.from('\r', 'latin1') : null);
    },
  });
}

function checkHeader(row: string[]): (string | null)[] {
  const names = row.map((cell) => canonical.get(cell.trim().toLowerCase()) ?? null);
  const has = (name: string) => names.includes(name as (typeof importColumns)[number]);
  const missing = ['accountId', 'solutionInterestId', 'role'].filter((name) => !has(name));
  if (!has('personId') && !has('email')) missing.push('personId or email');
  if (missing.length > 0) {
    throw new ProblemError(
      400,
      `the CSV header row must name the columns accountId, solutionInterestId, personId (or email) and role; missing: ${missing.join(', ')}`,
    );
  }
  return names;
}

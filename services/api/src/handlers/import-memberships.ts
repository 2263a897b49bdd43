import { randomUUID } from 'node:crypto';
import { operatorActionTypes, type MemberCommand } from '@bg/contracts';
import { enqueue, withTransaction, type Pool } from '@bg/postgres';
import { judgeImportRow, readImportRecord, type ImportRow } from '../domain/import-rows';
import { liveAccounts, personsByIdOrEmail } from '../db/records';
import { roleNames } from '../db/roles';
import { solutionInterestIds } from '../db/solution-interests';
import type { RawRecord } from '../import/readers';
import { apiSource, memberCommand } from './emit';

export type ImportAnswer = { importId: string; accepted: number; rejected: { line: number; reason: string }[] };

const batchSize = 500;

/**
 * Applies an uploaded file of memberships row by row: each row is judged on its own, and every accepted row becomes a
 * member command with `import` precedence. Rows are read as they arrive and handled in batches (one lookup and one
 * transaction per batch), so a file of any length is never held whole in memory.
 */
export async function importMemberships(
  pool: Pool,
  records: AsyncIterable<RawRecord>,
  opts: { now: Date; maxRows: number },
): Promise<ImportAnswer> {
  const importId = `import-${randomUUID()}`;
  const answer: ImportAnswer = { importId, accepted: 0, rejected: [] };
  const roles = await roleNames(pool);
  let batch: ImportRow[] = [];
  let rows = 0;
  for await (const raw of records) {
    if ('reason' in raw) {
      answer.rejected.push(raw);
      continue;
    }
    if (++rows > opts.maxRows) {
      answer.rejected.push({
        line: raw.line,
        reason: `the file has more than ${opts.maxRows} rows; this and later rows were not read: split the file`,
      });
      break;
    }
    const row = readImportRecord(raw.line, raw.record);
    if ('reason' in row) answer.rejected.push(row);
    else batch.push(row);
    if (batch.length >= batchSize) {
      await applyBatch(pool, batch, roles, importId, opts.now, answer);
      batch = [];
    }
  }
  await applyBatch(pool, batch, roles, importId, opts.now, answer);
  answer.rejected.sort((a, b) => a.line - b.line);
  return answer;
}

async function applyBatch(
  pool: Pool,
  batch: ImportRow[],
  roles: ReadonlySet<string>,
  importId: string,
  now: Date,
  answer: ImportAnswer,
): Promise<void> {
  if (batch.length === 0) return;
  const present = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];
  await withTransaction(pool, async (tx) => {
    const persons = await personsByIdOrEmail(
      tx,
      present(batch.map((r) => r.personId)),
      present(batch.map((r) => r.email)),
    );
    const known = {
      roles,
      solutionInterests: await solutionInterestIds(tx, present(batch.map((r) => r.solutionInterestId))),
      accounts: await liveAccounts(tx, present(batch.map((r) => r.accountId))),
      personIds: persons.ids,
      personsByEmail: persons.byEmail,
    };
    const messages = [];
    for (const row of batch) {
      const verdict = judgeImportRow(row, known);
      if (!verdict.ok) {
        answer.rejected.push({ line: verdict.line, reason: verdict.reason });
        continue;
      }
      const eventId = `${importId}:${verdict.line}`;
      const command: MemberCommand = {
        accountId: verdict.accountId,
        solutionInterestId: verdict.solutionInterestId,
        personId: verdict.personId,
        action: 'add',
        role: verdict.role,
        source: 'import',
        requestedAt: now.toISOString(),
        cause: { eventId, eventType: operatorActionTypes.memberImported, source: apiSource },
      };
      messages.push(memberCommand(command, eventId));
    }
    await enqueue(tx, messages);
    answer.accepted += messages.length;
  });
}

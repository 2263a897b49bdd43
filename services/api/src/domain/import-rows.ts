/**
 * Third-party import rows (CONTRACT.md §5): each row names a group (accountId + solutionInterestId), a person (by
 * personId or e-mail) and a role. Rows are judged one by one; a rejected row never stops the others.
 */
export const importColumns = ['accountId', 'solutionInterestId', 'personId', 'email', 'role'] as const;

export type ImportRow = {
  line: number;
  accountId: string | null;
  solutionInterestId: string | null;
  personId: string | null;
  email: string | null;
  role: string | null;
};

/** What the database knows about the names a batch of rows uses. */
export type ImportLookups = {
  roles: ReadonlySet<string>;
  solutionInterests: ReadonlySet<string>;
  /** Accounts known and not deleted. */
  accounts: ReadonlySet<string>;
  /** Persons known and not deleted. */
  personIds: ReadonlySet<string>;
  /** Lower-cased e-mail → the persons with that address. */
  personsByEmail: ReadonlyMap<string, readonly string[]>;
};

export type RowVerdict =
  | { ok: true; line: number; accountId: string; solutionInterestId: string; personId: string; role: string }
  | { ok: false; line: number; reason: string };

/** Reads one record (a CSV row by header, or an NDJSON object); fields that are not text are reported. */
export function readImportRecord(line: number, record: unknown): ImportRow | { line: number; reason: string } {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return { line, reason: 'expected an object with accountId, solutionInterestId, personId or email, and role' };
  }
  const problems: string[] = [];
  const field = (name: (typeof importColumns)[number]): string | null => {
    const value = (record as Record<string, unknown>)[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') {
      problems.push(`${name} must be text`);
      return null;
    }
    if (value.includes('\u0000')) {
      problems.push(`${name} holds a NUL character`);
      return null;
    }
    return value.trim() === '' ? null : value.trim();
  };
  const row: ImportRow = {
    line,
    accountId: field('accountId'),
    solutionInterestId: field('solutionInterestId'),
    personId: field('personId'),
    email: field('email'),
    role: field('role'),
  };
  return problems.length > 0 ? { line, reason: problems.join('; ') } : row;
}

/** Judges a row against what is known; every problem of the row is named, so one fix round suffices. */
export function judgeImportRow(row: ImportRow, known: ImportLookups): RowVerdict {
  const problems: string[] = [];
  if (row.accountId === null) problems.push('accountId is missing');
  else if (!known.accounts.has(row.accountId)) problems.push(`unknown account '${row.accountId}'`);
  if (row.solutionInterestId === null) problems.push('solutionInterestId is missing');
  else if (!known.solutionInterests.has(row.solutionInterestId)) {
    problems.push(`unknown solution interest '${row.solutionInterestId}'`);
  }
  const person = resolvePerson(row, known);
  if ('problem' in person) problems.push(person.problem);
  if (row.role === null) problems.push('role is missing');
  else if (!known.roles.has(row.role)) problems.push(`unknown role '${row.role}'`);
  if (problems.length > 0 || !('personId' in person)) return { ok: false, line: row.line, reason: problems.join('; ') };
  return {
    ok: true,
    line: row.line,
    accountId: row.accountId!,
    solutionInterestId: row.solutionInterestId!,
    personId: person.personId,
    role: row.role!,
  };
}

// personId wins when both are given: it is the stable key, an address can change hands.
function resolvePerson(row: ImportRow, known: ImportLookups): { personId: string } | { problem: string } {
  if (row.personId !== null) {
    return known.personIds.has(row.personId)
      ? { personId: row.personId }
      : { problem: `unknown person '${row.personId}'` };
  }
  if (row.email === null) return { problem: 'personId or email is missing' };
  const matches = known.personsByEmail.get(row.email.toLowerCase()) ?? [];
  if (matches.length === 0) return { problem: `no person with email '${row.email}'` };
  if (matches.length > 1) {
    return {
      problem: `email '${row.email}' belongs to several persons (${matches.join(', ')}): give personId instead`,
    };
  }
  return { personId: matches[0]! };
}

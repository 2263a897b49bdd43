import { describe, expect, it } from 'vitest';
import { judgeImportRow, readImportRecord, type ImportLookups, type ImportRow } from '../../src/domain/import-rows';

const known: ImportLookups = {
  roles: new Set(['Decision Maker', 'Influencer']),
  solutionInterests: new Set(['si-x']),
  accounts: new Set(['acc-1']),
  personIds: new Set(['p-1']),
  personsByEmail: new Map([
    ['ana@acme.example', ['p-1']],
    ['shared@acme.example', ['p-2', 'p-3']],
  ]),
};
const row = (fields: Partial<ImportRow>): ImportRow => ({
  line: 2,
  accountId: 'acc-1',
  solutionInterestId: 'si-x',
  personId: 'p-1',
  email: null,
  role: 'Decision Maker',
  ...fields,
});

describe('import rows', () => {
  it('accepts a row naming a known group, person and role', () => {
    expect(judgeImportRow(row({}), known)).toEqual({
      ok: true,
      line: 2,
      accountId: 'acc-1',
      solutionInterestId: 'si-x',
      personId: 'p-1',
      role: 'Decision Maker',
    });
  });

  it('finds a person by e-mail whatever its case; personId wins when both are given', () => {
    expect(judgeImportRow(row({ personId: null, email: 'Ana@ACME.example' }), known)).toMatchObject({
      ok: true,
      personId: 'p-1',
    });
    expect(judgeImportRow(row({ personId: 'p-1', email: 'someone@else.example' }), known)).toMatchObject({
      ok: true,
      personId: 'p-1',
    });
  });

  it('names every problem of a row, as the contract words them', () => {
    expect(judgeImportRow(row({ role: 'Boss' }), known)).toEqual({ ok: false, line: 2, reason: "unknown role 'Boss'" });
    expect(
      judgeImportRow(row({ accountId: 'acc-9', solutionInterestId: null, personId: 'p-9', role: null }), known),
    ).toEqual({
      ok: false,
      line: 2,
      reason: "unknown account 'acc-9'; solutionInterestId is missing; unknown person 'p-9'; role is missing",
    });
    expect(judgeImportRow(row({ personId: null }), known)).toMatchObject({ reason: 'personId or email is missing' });
    expect(judgeImportRow(row({ personId: null, email: 'nobody@x.example' }), known)).toMatchObject({
      reason: "no person with email 'nobody@x.example'",
    });
    expect(judgeImportRow(row({ personId: null, email: 'shared@acme.example' }), known)).toMatchObject({
      reason: "email 'shared@acme.example' belongs to several persons (p-2, p-3): give personId instead",
    });
  });

  it('reads records field by field: trimmed text, blanks as missing, other types reported', () => {
    expect(
      readImportRecord(3, {
        accountId: ' acc-1 ',
        solutionInterestId: 'si-x',
        personId: '',
        email: null,
        role: 'Influencer',
        extra: 1,
      }),
    ).toEqual({
      line: 3,
      accountId: 'acc-1',
      solutionInterestId: 'si-x',
      personId: null,
      email: null,
      role: 'Influencer',
    });
    expect(readImportRecord(4, { accountId: 7, role: true })).toEqual({
      line: 4,
      reason: 'accountId must be text; role must be text',
    });
    expect(readImportRecord(5, ['acc-1'])).toMatchObject({
      line: 5,
      reason: expect.stringContaining('expected an object'),
    });
    expect(readImportRecord(6, 'acc-1')).toMatchObject({ line: 6 });
  });
});

import { buyingGroupId, type AccountUpserted, type AudienceRule, type RoleSlot } from '@bg/contracts';
import { withTransaction, type Pool, type Queryable } from '@bg/postgres';
import { isInAudience } from '@bg/rules';
import {
  candidatesInScope,
  linksByAccount,
  previewAccount,
  PreviewTally,
  type PreviewRules,
  type PreviewTotals,
} from '../domain/preview';
import { invalid, notFound } from '../domain/problem';
import { findAudience, ruleOf } from '../db/audiences';
import { snapshotsFor } from '../db/groups';
import { accountsPage, linkedPersons, scopesOf } from '../db/records';
import { findSolutionInterest, type SolutionInterestRecord } from '../db/solution-interests';
import { findTemplate } from '../db/templates';
import { checkSlotRoles } from './components';

export type PreviewCandidate = { slots: RoleSlot[] | null; audience: AudienceRule | null };

export type PreviewAnswer = PreviewTotals & {
  solutionInterestId: string;
  candidate: { roleTemplate: boolean; audience: boolean };
  complete: boolean;
};

const pageSize = 500;
const sampleSize = 10;

/**
 * What a candidate template and/or audience would change for a solution interest, over the API's projection of
 * accounts and persons. Accounts are streamed in pages inside one read-only snapshot, so memory stays bounded and the
 * counts are consistent; nothing is written.
 */
export async function previewSolutionInterest(
  pool: Pool,
  solutionInterestId: string,
  candidate: PreviewCandidate,
  opts: { maxAccounts: number; now: Date },
): Promise<PreviewAnswer> {
  return withTransaction(pool, async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const interest = await findSolutionInterest(tx, solutionInterestId);
    if (!interest) throw notFound(`no solution interest '${solutionInterestId}'`);
    if (candidate.slots) {
      const errors = await checkSlotRoles(tx, candidate.slots, 'body.roleTemplate.slots');
      if (errors.length > 0) throw invalid('the request body', errors);
    }
    const template = await findTemplate(tx, interest.roleTemplateId, interest.roleTemplateVersion);
    const audience = await findAudience(tx, interest.audienceId);
    if (!template || !audience)
      throw new Error(`solution interest ${interest.id} refers to a missing template or audience`);
    const current: PreviewRules = { slots: template.slots, audience: ruleOf(audience) };
    const tally = new PreviewTally(sampleSize);
    let after: string | null = null;
    let evaluated = 0;
    let complete = true;
    for (;;) {
      // One more than the limit allows tells whether the limit cut the evaluation short.
      const page = await accountsPage(tx, after, Math.min(pageSize, opts.maxAccounts - evaluated + 1));
      if (evaluated + page.length > opts.maxAccounts) {
        complete = false;
        page.length = opts.maxAccounts - evaluated;
      }
      if (page.length === 0) break;
      after = page[page.length - 1]!.accountId;
      evaluated += page.length;
      await previewPage(tx, { interest, page, current, candidate, now: opts.now.toISOString() }, tally);
      if (!complete || page.length < pageSize) break;
    }
    return {
      solutionInterestId: interest.id,
      candidate: { roleTemplate: candidate.slots !== null, audience: candidate.audience !== null },
      complete,
      ...tally.result(),
    };
  });
}

/** Adds one page of accounts to the tally, loading people only for accounts whose group the candidate can change. */
async function previewPage(
  tx: Queryable,
  input: {
    interest: SolutionInterestRecord;
    page: AccountUpserted[];
    current: PreviewRules;
    candidate: PreviewCandidate;
    now: string;
  },
  tally: PreviewTally,
): Promise<void> {
  const { interest, page, current, candidate, now } = input;
  const affected = page.filter((account) => {
    const wasIn = isInAudience(current.audience, account);
    const willBeIn = isInAudience(candidate.audience ?? current.audience, account);
    return wasIn !== willBeIn || (wasIn && candidate.slots !== null);
  });
  const ids = affected.map((account) => account.accountId);
  const scopes = await scopesOf(tx, ids, interest.memberScope);
  const links = linksByAccount(await linkedPersons(tx, [...new Set([...scopes.values()].flat())]));
  const existing = await snapshotsFor(tx, interest.id, ids);
  const affectedIds = new Set(ids);
  for (const account of page) {
    const groupId = buyingGroupId(interest.id, account.accountId);
    if (!affectedIds.has(account.accountId)) {
      const kind = isInAudience(current.audience, account) ? 'unchanged' : 'outside';
      tally.add({ account, buyingGroupId: groupId }, { kind });
      continue;
    }
    const snapshot = existing.get(account.accountId) ?? null;
    const candidates = candidatesInScope(scopes.get(account.accountId) ?? [account.accountId], links);
    const accountInput = { account, buyingGroupId: groupId, candidates, existing: snapshot };
    tally.add(accountInput, previewAccount(accountInput, current, candidate, now));
  }
}

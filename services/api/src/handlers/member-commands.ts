import { randomUUID } from 'node:crypto';
import { operatorActionTypes, type MemberCommand } from '@bg/contracts';
import { enqueue, withTransaction, type Pool } from '@bg/postgres';
import { expectedOutcome } from '../domain/member-expectation';
import { conflict, invalid, notFound } from '../domain/problem';
import { findSnapshot } from '../db/groups';
import { findPerson, isLinkedToAny, scopesOf } from '../db/records';
import { findRole } from '../db/roles';
import { findSolutionInterest } from '../db/solution-interests';
import { apiSource, memberCommand } from './emit';

export type MemberEdit = { buyingGroupId: string; action: 'add' | 'remove'; personId: string; role?: string };

export type MemberEditAnswer = {
  accepted: true;
  action: 'add' | 'remove';
  buyingGroupId: string;
  accountId: string;
  solutionInterestId: string;
  personId: string;
  role: string | null;
  source: 'manual';
  commandId: string;
  requestedAt: string;
  expected: string;
};

/**
 * A manual member edit: checked against the API's view, then handed to role assignment (the only writer of
 * membership) as a member command through the outbox. The answer says what the group will show once it is applied.
 */
export async function requestMemberEdit(pool: Pool, edit: MemberEdit, now: Date): Promise<MemberEditAnswer> {
  return withTransaction(pool, async (tx) => {
    const group = await findSnapshot(tx, edit.buyingGroupId);
    if (!group) throw notFound(`no buying group '${edit.buyingGroupId}'`);
    if (group.status === 'dissolved') {
      throw conflict(
        `buying group '${edit.buyingGroupId}' is dissolved: its account left the audience or its solution interest was deleted`,
      );
    }
    const person = await findPerson(tx, edit.personId);
    if (!person || person.deleted) throw notFound(`no person '${edit.personId}' is known`);
    let role: string | null;
    if (edit.action === 'add') {
      role = edit.role!;
      if (!(await findRole(tx, role))) {
        throw invalid('the request body', [
          { path: 'body.role', message: `unknown role '${role}': define it with PUT /v1/roles/{name} first` },
        ]);
      }
    } else {
      const held =
        group.members.find((m) => m.personId === edit.personId) ??
        group.removedMembers.find((m) => m.personId === edit.personId);
      role = held?.role ?? null;
    }
    const interest = await findSolutionInterest(tx, group.solutionInterestId);
    const scope = (await scopesOf(tx, [group.accountId], interest?.memberScope ?? 'account')).get(group.accountId) ?? [
      group.accountId,
    ];
    const requestedAt = now.toISOString();
    const commandId = `cmd-${randomUUID()}`;
    const command: MemberCommand = {
      accountId: group.accountId,
      solutionInterestId: group.solutionInterestId,
      personId: edit.personId,
      action: edit.action,
      role,
      source: 'manual',
      requestedAt,
      // The public cause is the operator's action, identified by the command id the answer returns.
      cause: {
        eventId: commandId,
        eventType: edit.action === 'add' ? operatorActionTypes.memberAdded : operatorActionTypes.memberRemoved,
        source: apiSource,
      },
    };
    await enqueue(tx, [memberCommand(command, commandId)]);
    return {
      accepted: true,
      action: edit.action,
      buyingGroupId: group.buyingGroupId,
      accountId: group.accountId,
      solutionInterestId: group.solutionInterestId,
      personId: edit.personId,
      role,
      source: 'manual',
      commandId,
      requestedAt,
      expected: expectedOutcome({
        action: edit.action,
        personId: edit.personId,
        role,
        group,
        personInScope: await isLinkedToAny(tx, edit.personId, scope),
      }),
    };
  });
}

import { randomUUID } from 'node:crypto';
import { operatorActionTypes, type GroupCommand } from '@bg/contracts';
import { enqueue, withTransaction, type Pool } from '@bg/postgres';
import { conflict, invalid, notFound } from '../domain/problem';
import { findSnapshot } from '../db/groups';
import { findSolutionInterest } from '../db/solution-interests';
import { findStageModel } from '../db/stage-models';
import { apiSource, groupCommand } from './emit';

export type GroupSet = { buyingGroupId: string } & ({ stage: string | null } | { journeyStatus: string | null });

export type GroupSetAnswer = {
  accepted: true;
  buyingGroupId: string;
  accountId: string;
  solutionInterestId: string;
  source: 'manual';
  commandId: string;
  requestedAt: string;
} & ({ stage: string | null } | { journeyStatus: string | null });

/**
 * An operator's explicit stage or journey status (CONTRACT.md §7, source `manual`): checked against the API's view
 * (the group, and a stage against its solution interest's stage model), then handed on through the outbox to
 * role-assignment, which forwards it in order with the group's membership changes to scoring.
 */
export async function requestGroupSet(pool: Pool, set: GroupSet, now: Date): Promise<GroupSetAnswer> {
  return withTransaction(pool, async (tx) => {
    const group = await findSnapshot(tx, set.buyingGroupId);
    if (!group) throw notFound(`no buying group '${set.buyingGroupId}'`);
    if (group.status === 'dissolved') {
      throw conflict(
        `buying group '${set.buyingGroupId}' is dissolved: its account left the audience or its solution interest was deleted`,
      );
    }
    if ('stage' in set && set.stage !== null) {
      const interest = await findSolutionInterest(tx, group.solutionInterestId);
      const model = interest?.stageModelId ? await findStageModel(tx, interest.stageModelId) : null;
      if (!model?.stages.some((s) => s.name === set.stage)) {
        throw invalid('the request body', [
          {
            path: 'body.stage',
            message: model
              ? `unknown stage '${set.stage}': stage model '${model.id}' has ${model.stages.map((s) => `'${s.name}'`).join(', ')}`
              : `unknown stage '${set.stage}': solution interest '${group.solutionInterestId}' has no stage model`,
          },
        ]);
      }
    }
    const requestedAt = now.toISOString();
    const commandId = `cmd-${randomUUID()}`;
    const { buyingGroupId: _id, ...value } = set;
    const command: GroupCommand = {
      accountId: group.accountId,
      solutionInterestId: group.solutionInterestId,
      ...value,
      requestedAt,
      cause: {
        eventId: commandId,
        eventType: 'stage' in set ? operatorActionTypes.stageSet : operatorActionTypes.journeyStatusSet,
        source: apiSource,
      },
    };
    await enqueue(tx, [groupCommand(command, commandId)]);
    return {
      accepted: true,
      buyingGroupId: group.buyingGroupId,
      accountId: group.accountId,
      solutionInterestId: group.solutionInterestId,
      ...value,
      source: 'manual',
      commandId,
      requestedAt,
    };
  });
}

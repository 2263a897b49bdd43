import { z } from 'zod';
import { id } from './envelope';
import { roleName } from './components';

/**
 * Write-back commands of journey systems on `journeys.commands.v1` (CONTRACT.md §7), keyed by accountId. They apply
 * with source `journey`; the CloudEvent `id` identifies a command, and the group version it leads to names it as cause.
 */
export const journeyCommandTypes = {
  memberAssign: 'buying-group.member.assign',
  memberRemove: 'buying-group.member.remove',
  stageSet: 'buying-group.stage.set',
  statusSet: 'buying-group.status.set',
} as const;
export type JourneyCommandType = (typeof journeyCommandTypes)[keyof typeof journeyCommandTypes];

/** A journey status: free text of at most 50 characters, set only by journeys and operators. */
export const journeyStatus = z.string().trim().min(1).max(50);
export const stageName = z.string().trim().min(1).max(100);

const target = { accountId: id, solutionInterestId: id, journeyId: id };

export const journeyMemberAssignSchema = z.object({ ...target, personId: id, role: roleName });
export type JourneyMemberAssign = z.infer<typeof journeyMemberAssignSchema>;

export const journeyMemberRemoveSchema = z.object({ ...target, personId: id });
export type JourneyMemberRemove = z.infer<typeof journeyMemberRemoveSchema>;

export const journeyStageSetSchema = z.object({ ...target, stage: stageName.nullable() });
export type JourneyStageSet = z.infer<typeof journeyStageSetSchema>;

export const journeyStatusSetSchema = z.object({ ...target, status: journeyStatus.nullable() });
export type JourneyStatusSet = z.infer<typeof journeyStatusSetSchema>;

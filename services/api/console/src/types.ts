import type { GroupChange, MemberReason } from './words';

/** The API's answers as the console reads them (CONTRACT.md §3–§5; the zod schemas in src/schemas are the truth). */
export type GroupSummary = {
  buyingGroupId: string;
  accountId: string;
  accountName: string | null;
  solutionInterestId: string;
  name: string;
  version: number;
  status: 'active' | 'dissolved';
  completeness: number;
  engagement: number;
  missingRoles: string[];
  memberCount: number;
  updatedAt: string;
};
export type GroupList = { items: GroupSummary[]; nextCursor: string | null };

export type Member = { personId: string; role: string; source: string; since: string; reason: MemberReason };
export type Cause = { eventId: string; eventType: string; source?: string };
export type Snapshot = {
  buyingGroupId: string;
  accountId: string;
  solutionInterestId: string;
  name: string;
  version: number;
  status: 'active' | 'dissolved';
  members: Member[];
  removedMembers: { personId: string; role: string; source: string; removedAt: string }[];
  completeness: {
    score: number;
    slots: { role: string; required: boolean; assigned: number; minMembers: number; score: number }[];
  };
  engagement: { score: number; members?: { personId: string; score: number; weight: number }[] };
  missingRoles: string[];
  changes: GroupChange[];
  cause: Cause;
  coalesced?: string[];
  computedAt: string;
};
export type HistoryItem = {
  version: number;
  status: string;
  completeness: { score: number };
  engagement: { score: number };
  missingRoles: string[];
  changes: GroupChange[];
  cause: Cause;
  coalesced?: string[];
  computedAt: string;
};
export type History = { items: HistoryItem[]; nextCursor: string | null };

export type Role = { name: string; description: string | null; default: boolean };
export type Slot = {
  role: string;
  weight: number;
  required: boolean;
  minMembers?: number;
  maxMembers?: number | null;
  conditions?: unknown;
};
export type Template = {
  id: string;
  name: string;
  version: number;
  status: 'draft' | 'published';
  slots: Slot[];
  createdAt: string;
  publishedAt: string | null;
  latestPublishedVersion: number | null;
};
export type Audience = { id: string; name: string; conditions?: unknown; accountIds?: string[] };
export type SolutionInterest = {
  id: string;
  name: string;
  roleTemplateId: string;
  roleTemplateVersion: number;
  audienceId: string;
  memberScope: string;
};
export type Items<T> = { items: T[] };

export type AccountView = {
  account: { accountId: string; name: string; parentAccountId: string | null; deleted: boolean; [k: string]: unknown };
  parent: { accountId: string; name: string } | null;
  children: { accountId: string; name: string }[];
  groups: GroupSummary[];
};
export type PersonView = {
  person: { personId: string; deleted: boolean; [k: string]: unknown };
  accounts: { accountId: string; name: string | null; relationship: string }[];
  memberships: { buyingGroupId: string; name: string; status: string; role: string; source: string; since: string }[];
  removedFrom: { buyingGroupId: string; name: string; role: string; source: string; removedAt: string }[];
};
export type Preview = {
  accountsEvaluated: number;
  complete: boolean;
  groups: { created: number; dissolved: number; changed: number; unchanged: number };
  members: { added: number; removed: number; roleChanged: number };
  samples: Record<
    string,
    {
      buyingGroupId: string;
      accountId: string;
      accountName: string | null;
      personId?: string;
      role?: string;
      from?: string;
      to?: string;
    }[]
  >;
};

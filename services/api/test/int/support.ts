import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Producer } from 'kafkajs';
import {
  buyingGroupId,
  type AccountUpserted,
  type BuyingGroupChanged,
  type GroupChange,
  type GroupMember,
  type PersonUpserted,
} from '@bg/contracts';
import { memberOrder } from '@bg/rules';
import { createLogger, loadConfig } from '@bg/service-kit';
import { accountRecord, personRecord, type TestContext } from '@bg/testing';
export { eventually } from '@bg/testing';
import { buildApp } from '../../src/app';
import { apiConfigSchema } from '../../src/config';
import { hashToken } from '../../src/domain/auth';

/** A parsed JSON answer, read field by field in assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on arbitrary response shapes
export type Json = any;

export type Answer = { status: number; headers: Headers; body: Json; text: string };

export type RunningApi = {
  app: FastifyInstance;
  url: string;
  tokens: { admin: string; read: string };
  call: (method: string, path: string, opts?: CallOptions) => Promise<Answer>;
  stop: () => Promise<void>;
};

export type CallOptions = {
  /** 'admin' | 'read' use the configured tokens; any other string is sent as is; null sends no header. */
  token?: 'admin' | 'read' | string | null;
  json?: unknown;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
};

/** Builds the API on this file's database and topics, listening on a free port (real sockets, real broker). */
export async function startApi(ctx: TestContext, env: Record<string, string> = {}): Promise<RunningApi> {
  const tokens = { admin: `adm_${randomBytes(12).toString('hex')}`, read: `rd_${randomBytes(12).toString('hex')}` };
  const config = loadConfig(apiConfigSchema, {
    ...ctx.env,
    API_PORT: '0',
    API_TOKENS: `admin:sha256:${hashToken(tokens.admin)},read:sha256:${hashToken(tokens.read)}`,
    ...env,
  });
  const app = buildApp({
    config,
    logger: createLogger('api', ctx.env.LOG_LEVEL!),
    onFatal: (error) => {
      throw error;
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, opts: CallOptions = {}): Promise<Answer> => {
    const token = opts.token === undefined ? 'admin' : opts.token;
    const headers: Record<string, string> = { ...opts.headers };
    if (token !== null)
      headers.authorization = `Bearer ${token === 'admin' || token === 'read' ? tokens[token] : token}`;
    let body = opts.body;
    if (opts.json !== undefined) body = JSON.stringify(opts.json);
    if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    const response = await fetch(`${url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };
  return { app, url, tokens, call, stop: () => app.close() };
}

const cloudEvent = (type: string, id: string, data: unknown) =>
  JSON.stringify({
    specversion: '1.0',
    id,
    type,
    source: 'test',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
  });

const cause = { eventId: 'evt-test', eventType: 'test' };
const at = '2026-11-26T10:00:00.000Z';

export function account(accountId: string, extra: Partial<AccountUpserted> = {}) {
  return accountRecord(accountId, { updatedAt: at, ...extra });
}

export function person(personId: string, accountIds: string[], extra: Partial<PersonUpserted> = {}) {
  return personRecord(personId, accountIds, {
    email: `${personId}@example.com`,
    jobTitle: 'Engineer',
    department: 'Engineering',
    seniority: 'Individual Contributor',
    updatedAt: at,
    ...extra,
  });
}

/** Publishes accounts and persons as ingestion would (one person change per linked account). */
export async function publishRecords(
  producer: Producer,
  prefix: string,
  records: { accounts?: ReturnType<typeof account>[]; persons?: ReturnType<typeof person>[] },
): Promise<void> {
  const messages = [
    ...(records.accounts ?? []).map((a) => ({
      key: a.accountId,
      value: cloudEvent('bg.account.changed', `acc-${a.accountId}-${randomBytes(4).toString('hex')}`, {
        accountId: a.accountId,
        account: a,
        previousParentAccountId: null,
        changedAt: a.updatedAt,
        cause,
      }),
    })),
    ...(records.persons ?? []).flatMap((p) =>
      p.accounts.map((link) => ({
        key: link.accountId,
        value: cloudEvent(
          'bg.person.changed',
          `per-${p.personId}-${link.accountId}-${randomBytes(4).toString('hex')}`,
          {
            accountId: link.accountId,
            personId: p.personId,
            change: 'joined',
            relationship: link.relationship,
            person: p,
            changedAt: p.updatedAt,
            cause,
          },
        ),
      })),
    ),
  ];
  await producer.send({ topic: `${prefix}bg.internal.record-changes.v1`, messages });
}

export type GroupSpec = {
  solutionInterestId: string;
  accountId: string;
  version?: number;
  status?: 'active' | 'dissolved';
  completeness?: number;
  engagement?: number;
  missingRoles?: string[];
  members?: { personId: string; role: string; source?: 'rule' | 'manual' | 'import' }[];
  removedMembers?: { personId: string; role: string; source: 'manual' | 'import' }[];
};

/** A buying-group.changed snapshot as scoring publishes it. */
export function groupSnapshot(spec: GroupSpec): BuyingGroupChanged {
  const version = spec.version ?? 1;
  return {
    buyingGroupId: buyingGroupId(spec.solutionInterestId, spec.accountId),
    accountId: spec.accountId,
    solutionInterestId: spec.solutionInterestId,
    name: `${spec.solutionInterestId} for Account ${spec.accountId}`,
    version,
    status: spec.status ?? 'active',
    members: (spec.members ?? []).map((m) => ({
      personId: m.personId,
      role: m.role,
      source: m.source ?? 'rule',
      since: at,
      reason: { slot: 0, matched: [] },
    })),
    removedMembers: (spec.removedMembers ?? []).map((r) => ({ ...r, removedAt: at })),
    completeness: { score: spec.completeness ?? 0, slots: [] },
    engagement: { score: spec.engagement ?? 0 },
    missingRoles: spec.missingRoles ?? [],
    changes: version === 1 ? [{ kind: 'group.created' }] : [],
    cause,
    computedAt: new Date(Date.parse(at) + version * 1000).toISOString(),
  };
}

/** Publishes snapshots on the public topic (prefixed), keyed by account, CE id `<buyingGroupId>:<version>`. */
export async function publishGroups(
  producer: Producer,
  prefix: string,
  snapshots: BuyingGroupChanged[],
): Promise<void> {
  await producer.send({
    topic: `${prefix}buying-groups.changes.v1`,
    messages: snapshots.map((s) => ({
      key: s.accountId,
      value: cloudEvent('buying-group.changed', `${s.buyingGroupId}:${s.version}`, s),
    })),
  });
}

const templateSlots = [
  { role: 'Decision Maker', required: true, minMembers: 1, weight: 100 },
  { role: 'Influencer', required: true, minMembers: 2, weight: 60 },
  { role: 'Practitioner', required: false, minMembers: 0, weight: 12.5 },
];

export type PublishedGroupSpec = {
  solutionInterestId: string;
  accountId: string;
  version: number;
  /** Members placed by the rules, `p-00000`…; one more is a manual member of a role outside the template. */
  size: number;
  /** Persons placed in another slot than their index gives (and since this version). */
  moved?: Record<string, number>;
  changes?: GroupChange[];
  coalesced?: string[];
};

/**
 * A version as scoring publishes it, with everything one can carry: reasons with matched predicates (with and without
 * a value), skipped slots and notes, a member of a role outside the template, removed members, the per-slot and
 * per-member breakdowns, coalesced causes; members in scoring's order, the breakdown in member order.
 */
export function publishedGroup(spec: PublishedGroupSpec): BuyingGroupChanged {
  const computedAt = new Date(Date.parse(at) + spec.version * 60_000).toISOString();
  const ruled = Array.from({ length: spec.size }, (_, i): GroupMember => {
    const personId = `p-${String(i).padStart(5, '0')}`;
    const moved = spec.moved?.[personId];
    const slot = moved ?? (i < 2 ? 0 : i % 3 === 0 ? 1 : 2);
    const matched = [
      [{ field: 'jobTitle', op: 'hasAnyWord', value: ['CTO', 'CMO'], actual: 'CTO' }],
      [{ field: 'seniority', op: 'in', value: ['VP', 'Director'], actual: i % 2 === 0 ? 'VP' : 'Director' }],
      [{ field: 'department', op: 'exists', actual: 'Engineering' }],
    ][slot]!;
    const skipped = Array.from(
      { length: slot },
      (_, s) => ({ slot: s, why: s === 0 && i % 5 === 0 ? 'full' : 'no-match' }) as const,
    );
    return {
      personId,
      role: templateSlots[slot]!.role,
      source: 'rule',
      since: moved === undefined ? at : computedAt,
      reason: { slot, matched, ...(slot > 0 ? { skipped } : {}) },
    };
  });
  const manual: GroupMember = {
    personId: 'p-champion',
    role: 'Champion',
    source: 'manual',
    since: at,
    reason: { slot: null, matched: [], note: 'added by hand' },
  };
  const members = [...ruled, manual].sort(memberOrder);
  const weightOf = (m: GroupMember) => (m.reason.slot === null ? 0 : templateSlots[m.reason.slot]!.weight);
  // A member's score is their own (by person), whatever their position in the group.
  const scoreOf = (personId: string) => (Number(personId.replace(/\D/g, '') || 50) * 7) % 101;
  const breakdown = members.map((m) => ({ personId: m.personId, score: scoreOf(m.personId), weight: weightOf(m) }));
  const assigned = (role: string) => members.filter((m) => m.role === role).length;
  return {
    buyingGroupId: buyingGroupId(spec.solutionInterestId, spec.accountId),
    accountId: spec.accountId,
    solutionInterestId: spec.solutionInterestId,
    name: `${spec.solutionInterestId} for Account ${spec.accountId}`,
    version: spec.version,
    status: 'active',
    members,
    removedMembers: [
      { personId: 'p-gone-a', role: 'Influencer', source: 'manual', removedAt: at },
      { personId: 'p-gone-b', role: 'Decision Maker', source: 'import', removedAt: at },
    ],
    completeness: {
      score: 100,
      slots: templateSlots.map(({ role, required, minMembers }) => ({
        role,
        required,
        assigned: assigned(role),
        minMembers,
        score: 100,
      })),
    },
    engagement: { score: 42, members: breakdown },
    missingRoles: [],
    changes: spec.changes ?? [{ kind: 'group.created' }, { kind: 'completeness.changed', from: 0, to: 100 }],
    cause: { eventId: `evt-${spec.version}`, eventType: 'person.upserted' },
    ...(spec.coalesced ? { coalesced: spec.coalesced } : {}),
    computedAt,
  };
}

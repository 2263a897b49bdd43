import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  Topics,
  internalEventTypes,
  memberSources,
  type AccountUpserted,
  type MemberCommand,
  type PersonEngagementChanged,
  type PersonUpserted,
  type SolutionInterestDefined,
} from '@bg/contracts';
import {
  computeAllGroups,
  engagementKey,
  groupKey,
  maxHierarchyDepth,
  type Membership,
  type OracleAccount,
  type OracleGroup,
  type OracleOverride,
  type OraclePerson,
} from '@bg/rules';
import {
  consumerLag,
  generateAccounts,
  generatePersons,
  pick,
  randomPerson,
  seededRandom,
  waitUntilSettled,
} from '@bg/testing';
import { allGroups } from '../../src/db/groups';
import { solutionInterestDefinition, startPipeline, type Pipeline } from './pipeline';

/*
 * The service against the from-scratch oracle, replaying the whole input history: the oracle sees only the inputs
 * (accounts, people, deletions, hierarchy moves, member edits of every source, engagement scores as scoring sends
 * them) and its own previous results, never
 * the service's state. The history runs in phases; role-assignment's clock reads the phase's time, so `since` is
 * comparable: it is the time of the phase in which a person entered the slot. Within a phase no two inputs touch the
 * same group, so the order in which partitions apply them cannot matter, and after each phase every group — members
 * and removed members with role, source, since and reason; dissolved groups too — must equal the oracle's.
 */

let p: Pipeline;
let db: pg.Pool;

const random = seededRandom(20261128);
const ACCOUNTS = 400;
const PERSONS = 10_000;
const PHASES = 8;
const t0 = Date.parse('2026-11-01T00:00:00Z');
const at = (step: number) => new Date(t0 + step * 1000).toISOString();
/** Role-assignment's clock: the current phase's time. */
let phaseTime = at(0);

const interests: Omit<SolutionInterestDefined, 'revision'>[] = [
  solutionInterestDefinition({ solutionInterestId: 'si-big', name: 'Big' }),
  solutionInterestDefinition({
    solutionInterestId: 'si-tree',
    name: 'Tree',
    memberScope: 'account-and-descendants',
    audience: {
      id: 'aud-sw',
      name: 'Software & finance',
      conditions: { field: 'industry', op: 'in', value: ['Software', 'Finance'] },
    },
    template: {
      id: 'rt-2',
      version: 1,
      name: 'Security',
      slots: [
        {
          role: 'Decision Maker',
          weight: 100,
          required: true,
          minMembers: 1,
          maxMembers: 1,
          conditions: { field: 'jobTitle', op: 'hasAnyWord', value: ['CISO', 'CTO', 'Chief'] },
        },
        {
          role: 'Influencer',
          weight: 80,
          required: true,
          minMembers: 1,
          maxMembers: 3,
          conditions: {
            any: [
              { field: 'seniority', op: 'eq', value: 'Director' },
              { field: 'jobTitle', op: 'startsWith', value: 'head of' },
            ],
          },
        },
        {
          role: 'Practitioner',
          weight: 60,
          required: false,
          minMembers: 2,
          maxMembers: 5,
          conditions: {
            all: [
              { field: 'relationship', op: 'eq', value: 'employee' },
              { field: 'jobTitle', op: 'containsAny', value: ['engineer', 'analyst', 'developer'] },
            ],
          },
        },
        {
          // Placed by engagement alone: scores move people in and out, in the group and in the ancestors' roll-ups.
          role: 'Champion',
          weight: 60,
          required: false,
          minMembers: 1,
          maxMembers: null,
          conditions: { field: 'engagementScore', op: 'gte', value: 50 },
        },
      ],
    },
  }),
];

type Event = { topic: string; key: string; type: string; data: unknown };
/** A tentative input: the accounts it is about, applying it to the world (giving the event), and taking it back. */
type Change = { accounts: string[]; apply: () => Event; undo: () => void };

/** The inputs so far, as the oracle reads them. */
const world = {
  accounts: new Map<string, OracleAccount & AccountUpserted>(),
  persons: new Map<string, OraclePerson & PersonUpserted>(),
  overrides: [] as OracleOverride[],
  /** The engagement scores sent, by `engagementKey(accountId, personId)`, with their version. */
  engagement: new Map<string, { score: number; version: number }>(),
};

beforeAll(async () => {
  p = await startPipeline({}, () => phaseTime);
  db = new pg.Pool({ connectionString: p.ctx.databaseUrl, options: '-c search_path=role_assignment' });
});

afterAll(async () => {
  await p?.stop();
  await db?.end();
});

describe('role-assignment equals the from-scratch oracle replaying the input history', () => {
  it('over 10k people: updates, deletions, re-links, account moves and deletions, edits of every source', async () => {
    for (const account of generateAccounts(random, ACCOUNTS, at(0))) world.accounts.set(account.accountId, account);
    for (const person of generatePersons(random, PERSONS, [...world.accounts.values()], at(0)))
      world.persons.set(person.personId, person);
    // Phase 0, the initial load: everyone enters at the same time, so the order of arrival cannot matter either.
    await send(
      [...world.accounts.values()].map((a) => ({
        topic: Topics.crmAccounts,
        key: a.accountId,
        type: 'account.upserted',
        data: a,
      })),
    );
    for (const si of interests) await p.defineSolutionInterest(si);
    await send(
      [...world.persons.values()].map((x) => ({
        topic: Topics.crmPersons,
        key: x.personId,
        type: 'person.upserted',
        data: x,
      })),
    );
    await waitUntilSettled(settled, { timeoutMs: 240_000 });
    let oracle = expected(new Map());
    const everActive = new Map(oracle);
    await expectOracle(oracle, everActive);

    const tally = { events: 0 };
    for (let phase = 1; phase <= PHASES; phase++) {
      phaseTime = at(phase * 100_000);
      const events = phaseEvents(phase);
      tally.events += events.length;
      await send(events);
      await waitUntilSettled(settled, { timeoutMs: 120_000 });
      oracle = expected(oracle);
      for (const [key, group] of oracle) everActive.set(key, group);
      await expectOracle(oracle, everActive);
    }
    // The history must have exercised what makes `since` matter: full capped slots, and members kept from before.
    const slotsOf = new Map(interests.map((si) => [si.solutionInterestId, si.template.slots]));
    const full = [...oracle.values()].filter((g) =>
      slotsOf
        .get(g.solutionInterestId)!
        .some(
          (slot, i) =>
            slot.maxMembers != null && g.members.filter((m) => m.reason.slot === i).length >= slot.maxMembers,
        ),
    );
    expect(full.length).toBeGreaterThan(50);
    const incumbents = [...oracle.values()].flatMap((g) => g.members).filter((m) => m.since !== phaseTime);
    expect(incumbents.length).toBeGreaterThan(1000);
    expect(tally.events).toBeGreaterThan(PHASES * 100);
    // ... and engagement: people placed by their score, and scores that moved people out again.
    const champions = [...oracle.values()].flatMap((g) => g.members).filter((m) => m.role === 'Champion');
    expect(champions.filter((m) => m.reason.matched.some((t) => t.field === 'engagementScore')).length).toBeGreaterThan(
      20,
    );
  }, 600_000);
});

/** The oracle's groups after the current phase, from the inputs and its own groups before it. */
function expected(previous: ReadonlyMap<string, Membership>): Map<string, OracleGroup> {
  return computeAllGroups({
    accounts: [...world.accounts.values()],
    persons: [...world.persons.values()],
    solutionInterests: interests.map((si) => ({ ...si, template: { slots: si.template.slots } })),
    overrides: world.overrides,
    engagementScores: new Map([...world.engagement].map(([key, { score }]) => [key, score])),
    previous,
    now: phaseTime,
  });
}

/** Every group the service holds equals the oracle's: active ones as computed, dissolved ones as last active. */
async function expectOracle(oracle: ReadonlyMap<string, OracleGroup>, everActive: ReadonlyMap<string, OracleGroup>) {
  const stored = await allGroups(db);
  const view = (m: Membership) => ({
    members: [...m.members].sort((a, b) => (a.personId < b.personId ? -1 : 1)),
    removedMembers: [...m.removedMembers].sort((a, b) => (a.personId < b.personId ? -1 : 1)),
  });
  const active = stored.filter((g) => g.status === 'active');
  const keyOf = (g: { solutionInterestId: string; accountId: string }) => groupKey(g.solutionInterestId, g.accountId);
  expect(active.map(keyOf).sort(), `active groups at ${phaseTime}`).toEqual([...oracle.keys()].sort());
  for (const group of active)
    expect(view(group), `${keyOf(group)} at ${phaseTime}`).toEqual(view(oracle.get(keyOf(group))!));
  const dissolved = stored.filter((g) => g.status === 'dissolved');
  expect(dissolved.map(keyOf).sort()).toEqual([...everActive.keys()].filter((k) => !oracle.has(k)).sort());
  for (const group of dissolved)
    expect(view(group), `dissolved ${keyOf(group)}`).toEqual(view(everActive.get(keyOf(group))!));
}

/**
 * Random inputs for one phase, applied to the world as they are made. An input is kept only if the groups it can
 * touch (judged before and after it) are untouched by the phase's other inputs.
 */
function phaseEvents(phase: number): Event[] {
  const taken = new Set<string>();
  const events: Event[] = [];
  const base = phase * 100_000;
  for (let attempt = 0; attempt < 1500; attempt++) {
    const time = at(base + attempt + 1);
    const roll = random();
    let change: Change | null;
    if (roll < 0.75) change = personChange(roll / 0.75, time);
    else if (roll < 0.85) change = engagementChange(time);
    else if (roll < 0.93) change = accountChange(time);
    else change = memberEdit(phase, attempt, time);
    if (change === null) continue;
    const before = touchedGroups(change.accounts);
    const event = change.apply();
    const touched = new Set([...before, ...touchedGroups(change.accounts)]);
    if ([...touched].some((key) => taken.has(key))) {
      change.undo();
      continue;
    }
    for (const key of touched) taken.add(key);
    events.push(event);
  }
  return events;
}

function personChange(roll: number, updatedAt: string): Change {
  const current = pickLivePerson();
  const accounts = [...current.accounts.map((l) => l.accountId)];
  const accountIds = [...world.accounts.keys()];
  let next: PersonUpserted | null;
  if (roll < 0.05) next = null;
  else if (roll < 0.6) next = randomPerson(random, current.personId, current.accounts, updatedAt);
  else if (roll < 0.85)
    next = { ...current, accounts: [{ accountId: pick(random, accountIds), relationship: 'employee' }], updatedAt };
  else
    next = {
      ...current,
      accounts: [
        ...current.accounts.slice(0, 1),
        { accountId: pick(random, accountIds), relationship: pick(random, ['employee', 'contractor']) },
      ],
      updatedAt,
    };
  if (next) accounts.push(...next.accounts.map((l) => l.accountId));
  const { personId } = current;
  return {
    accounts,
    undo: () => world.persons.set(personId, current),
    apply: () => {
      if (next === null) {
        world.persons.set(personId, { ...current, deleted: true });
        return {
          topic: Topics.crmPersons,
          key: personId,
          type: 'person.deleted',
          data: { personId, deletedAt: updatedAt },
        };
      }
      world.persons.set(personId, next);
      return { topic: Topics.crmPersons, key: personId, type: 'person.upserted', data: next };
    },
  };
}

/** A person's engagement score at one of their accounts moves, as scoring would send it (the next version). */
function engagementChange(scoredAt: string): Change {
  const person = pickLivePerson();
  const { accountId } = pick(random, person.accounts);
  const key = engagementKey(accountId, person.personId);
  const current = world.engagement.get(key);
  const next = { score: Math.floor(random() * 101), version: (current?.version ?? 0) + 1 };
  return {
    accounts: [accountId],
    undo: () => (current ? world.engagement.set(key, current) : world.engagement.delete(key)),
    apply: () => {
      world.engagement.set(key, next);
      const data: PersonEngagementChanged = {
        accountId,
        personId: person.personId,
        ...next,
        scoredAt,
        cause: {
          eventId: `score-${accountId}-${person.personId}-${next.version}`,
          eventType: 'activity.recorded',
          source: 'crm/test',
        },
      };
      return { topic: Topics.engagement, key: accountId, type: internalEventTypes.personEngagementChanged, data };
    },
  };
}

function accountChange(updatedAt: string): Change {
  const current = pick(random, [...world.accounts.values()]);
  const { accountId } = current;
  const roots = [...world.accounts.values()].slice(0, ACCOUNTS / 10).filter((a) => a.accountId !== accountId);
  const roll = random();
  return {
    accounts: [accountId],
    undo: () => world.accounts.set(accountId, current),
    apply: () => {
      if (roll < 0.15 && !current.deleted) {
        world.accounts.set(accountId, { ...current, deleted: true });
        return {
          topic: Topics.crmAccounts,
          key: accountId,
          type: 'account.deleted',
          data: { accountId, deletedAt: updatedAt },
        };
      }
      // Revives a deleted one too: a newer upsert brings an account back.
      const { deleted: _deleted, ...data } = current;
      const next: AccountUpserted = {
        ...data,
        annualRevenue: random() < 0.5 ? 500_000 : 50_000_000,
        industry: pick(random, ['Software', 'Retail', 'Finance']),
        parentAccountId:
          random() < 0.3 ? null : random() < 0.5 ? pick(random, roots).accountId : current.parentAccountId,
        updatedAt,
      };
      world.accounts.set(accountId, next);
      return { topic: Topics.crmAccounts, key: accountId, type: 'account.upserted', data: next };
    },
  };
}

function memberEdit(phase: number, attempt: number, requestedAt: string): Change {
  const person = pick(
    random,
    [...world.persons.values()].filter((x) => !x.deleted),
  );
  const accountId = pick(random, person.accounts).accountId;
  const si = pick(random, interests);
  const source = pick(
    random,
    memberSources.filter((s) => s !== 'rule'),
  );
  const action = random() < 0.6 ? 'add' : 'remove';
  const roles = [...si.template.slots.map((s) => s.role), 'Champion'];
  const role = action === 'add' ? pick(random, roles) : random() < 0.5 ? null : pick(random, roles);
  const id = `cmd-${phase}-${attempt}`;
  const command: MemberCommand = {
    accountId,
    solutionInterestId: si.solutionInterestId,
    personId: person.personId,
    action,
    role,
    source,
    requestedAt,
    cause: { eventId: id, eventType: 'operator' },
  } as MemberCommand;
  return {
    accounts: [accountId],
    undo: () => world.overrides.pop(),
    apply: () => {
      world.overrides.push({ ...command } as OracleOverride);
      return { topic: Topics.memberCommands, key: accountId, type: 'bg.member.command', data: command };
    },
  };
}

/** A person not deleted (ids drawn until one is: deleted ones are few). */
function pickLivePerson(): OraclePerson & PersonUpserted {
  for (;;) {
    const person = world.persons.get(`per-${String(Math.floor(random() * PERSONS)).padStart(7, '0')}`)!;
    if (!person.deleted) return person;
  }
}

/**
 * The groups an input about these accounts can touch in the current world: every group of each account, and every
 * group of its live ancestors (their roll-ups hold its people).
 */
function touchedGroups(accountIds: string[]): string[] {
  const keys: string[] = [];
  for (const accountId of accountIds) {
    const chain = [accountId];
    let current = world.accounts.get(accountId);
    while (current?.parentAccountId && chain.length <= maxHierarchyDepth) {
      const parent = world.accounts.get(current.parentAccountId);
      if (!parent || parent.deleted || chain.includes(parent.accountId)) break;
      chain.push(parent.accountId);
      current = parent;
    }
    for (const id of chain) for (const si of interests) keys.push(groupKey(si.solutionInterestId, id));
  }
  return keys;
}

async function send(events: Event[]) {
  const byTopic = new Map<string, Event[]>();
  for (const event of events) byTopic.set(event.topic, [...(byTopic.get(event.topic) ?? []), event]);
  for (const [topic, list] of byTopic) {
    for (let i = 0; i < list.length; i += 1000)
      await p.send(
        topic,
        list.slice(i, i + 1000).map((e) => ({ key: e.key, type: e.type, data: e.data })),
      );
  }
}

async function settled() {
  const { ctx } = p;
  const crm = [Topics.crmAccounts, Topics.crmPersons].map((t) => `${ctx.topicPrefix}${t}`);
  const internal = [Topics.recordChanges, Topics.components, Topics.memberCommands, Topics.engagement].map(
    (t) => `${ctx.topicPrefix}${t}`,
  );
  const [ingestionLag, roleLag, pending] = await Promise.all([
    consumerLag(ctx.kafka, `${ctx.topicPrefix}ingestion`, crm),
    consumerLag(ctx.kafka, `${ctx.topicPrefix}role-assignment`, internal),
    db.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM ingestion.outbox) + (SELECT count(*) FROM role_assignment.pending_recomputes)
         + (SELECT count(*) FROM role_assignment.recompute_jobs WHERE status IN ('pending','running')))::int AS n`,
    ),
  ]);
  const state = `ingestion lag ${ingestionLag}, role-assignment lag ${roleLag}, pending ${pending.rows[0]!.n}`;
  return { settled: ingestionLag === 0 && roleLag === 0 && Number(pending.rows[0]!.n) === 0, state };
}

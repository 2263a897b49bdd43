import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  Topics,
  buyingGroupId,
  groupMembershipChangedSchema,
  internalEventTypes,
  operatorActionTypes,
  type MemberCommand,
} from '@bg/contracts';
import { accountRecord, crmEvent, personRecord } from '@bg/testing';
import { solutionInterestDefinition, startPipeline, type Pipeline } from './pipeline';

let p: Pipeline;
let db: pg.Pool;
const at = (minute: number) => `2026-11-26T10:${String(minute).padStart(2, '0')}:00Z`;

const account = (
  accountId: string,
  updatedAt: string,
  annualRevenue = 5_000_000,
  parentAccountId: string | null = null,
) =>
  accountRecord(accountId, {
    name: `Name ${accountId}`,
    industry: 'Software',
    annualRevenue,
    employeeCount: 100,
    parentAccountId,
    updatedAt,
  });
const person = (personId: string, jobTitle: string, links: [string, string][], updatedAt: string) =>
  personRecord(personId, links, {
    email: `${personId}@x.example`,
    firstName: 'F',
    lastName: personId,
    jobTitle,
    department: null,
    seniority: null,
    updatedAt,
  });
const upsertAccount = (a: ReturnType<typeof account>) =>
  p.send(Topics.crmAccounts, [{ key: a.accountId, type: 'account.upserted', data: a }]);
const upsertPerson = (x: ReturnType<typeof person>) =>
  p.send(Topics.crmPersons, [{ key: x.personId, type: 'person.upserted', data: x }]);
const groupOf = (si: string, accountId: string) => p.latest().get(buyingGroupId(si, accountId));
const waitGroup = (si: string, accountId: string, predicate: (g: NonNullable<ReturnType<typeof groupOf>>) => boolean) =>
  p.groups.waitFor(() => {
    const g = groupOf(si, accountId);
    return g !== undefined && predicate(g);
  });
const roleOf = (si: string, accountId: string, personId: string) =>
  groupOf(si, accountId)?.members.find((m) => m.personId === personId)?.role;

async function command(c: Omit<MemberCommand, 'requestedAt' | 'cause'> & { requestedAt?: string }) {
  const data: MemberCommand = {
    requestedAt: new Date().toISOString(),
    cause: { eventId: 'op-1', eventType: 'operator.request' },
    ...c,
  };
  await p.producer.send({
    topic: `${p.ctx.topicPrefix}${Topics.memberCommands}`,
    messages: [{ key: c.accountId, value: crmEvent(internalEventTypes.memberCommand, data) }],
  });
}

beforeAll(async () => {
  p = await startPipeline();
  db = new pg.Pool({ connectionString: p.ctx.databaseUrl, options: '-c search_path=role_assignment' });
  await p.defineSolutionInterest(solutionInterestDefinition());
  await upsertAccount(account('acme', at(0)));
  await upsertAccount(account('globex', at(0)));
});

afterAll(async () => {
  await p?.stop();
  await db?.end();
});

describe('role assignment', () => {
  it('gives every account of the audience a group, even with nobody in it', async () => {
    await waitGroup('si-x', 'acme', (g) => g.status === 'active');
    expect(groupOf('si-x', 'acme')).toMatchObject({
      name: 'Product X for Name acme',
      members: [],
      membershipVersion: 1,
    });
  });

  it('when a CMO joins an account in the audience, she becomes Decision Maker with the matching reason', async () => {
    await upsertPerson(person('ana', 'Chief Marketing Officer', [['acme', 'employee']], at(1)));
    await waitGroup('si-x', 'acme', (g) => g.members.some((m) => m.personId === 'ana'));
    const ana = groupOf('si-x', 'acme')!.members.find((m) => m.personId === 'ana')!;
    expect(ana).toMatchObject({ role: 'Decision Maker', source: 'rule', reason: { slot: 0 } });
    expect(ana.reason.matched).toEqual([
      { field: 'jobTitle', op: 'containsAny', value: ['CMO', 'Chief Marketing'], actual: 'Chief Marketing Officer' },
    ]);
    expect(groupOf('si-x', 'acme')!.cause.eventType).toBe('person.upserted');
  });

  it('a title change moves the person to another slot, then out of the group', async () => {
    await upsertPerson(person('ana', 'VP Marketing', [['acme', 'employee']], at(2)));
    await waitGroup('si-x', 'acme', () => roleOf('si-x', 'acme', 'ana') === 'Influencer');
    await upsertPerson(person('ana', 'Receptionist', [['acme', 'employee']], at(3)));
    await waitGroup('si-x', 'acme', (g) => !g.members.some((m) => m.personId === 'ana'));
  });

  it('does not fold a redelivered person change into a later version: an input is answered once', async () => {
    // Ingestion's record changes as role-assignment reads them; the first is sent again with a newer change right
    // behind it on the partition, as after a crash between the chunk's commit and its offsets.
    const change = (id: string, jobTitle: string, minute: number) =>
      crmEvent(
        internalEventTypes.personChanged,
        {
          accountId: 'acme',
          personId: 'redelivered',
          change: minute === 40 ? 'joined' : 'updated',
          relationship: 'employee',
          person: person('redelivered', jobTitle, [['acme', 'employee']], at(minute)),
          changedAt: at(minute),
          cause: { eventId: id, eventType: 'person.upserted', source: 'crm/test' },
        },
        `rc-${id}`,
        'bg/ingestion',
      );
    const recordChanges = `${p.ctx.topicPrefix}${Topics.recordChanges}`;
    await p.producer.send({ topic: recordChanges, messages: [{ key: 'acme', value: change('rd-1', 'CMO', 40) }] });
    await waitGroup('si-x', 'acme', (g) => g.cause.eventId === 'rd-1');
    await p.producer.send({
      topic: recordChanges,
      messages: [
        { key: 'acme', value: change('rd-1', 'CMO', 40) },
        { key: 'acme', value: change('rd-2', 'VP Marketing', 41) },
      ],
    });
    await waitGroup('si-x', 'acme', (g) => g.cause.eventId === 'rd-2');
    expect(roleOf('si-x', 'acme', 'redelivered')).toBe('Influencer');
    const named = p
      .versions()
      .filter((v) => v.cause.eventId === 'rd-1' || v.coalesced?.some((c) => c.eventId === 'rd-1'));
    expect(named.map((v) => v.membershipVersion)).toHaveLength(1);
  });

  it('considers a person linked to two accounts in both groups', async () => {
    await upsertPerson(
      person(
        'ben',
        'Senior Engineer',
        [
          ['acme', 'employee'],
          ['globex', 'contractor'],
        ],
        at(4),
      ),
    );
    await waitGroup('si-x', 'acme', () => roleOf('si-x', 'acme', 'ben') === 'Practitioner');
    await waitGroup('si-x', 'globex', () => roleOf('si-x', 'globex', 'ben') === 'Practitioner');
  });

  it('dissolves the groups of an account that leaves the audience, and revives them when it returns', async () => {
    await upsertAccount(account('globex', at(5), 10));
    await waitGroup('si-x', 'globex', (g) => g.status === 'dissolved');
    await upsertAccount(account('globex', at(6), 9_000_000));
    await waitGroup('si-x', 'globex', (g) => g.status === 'active' && g.members.length === 1);
  });

  it('keeps a manual add and a manual removal through later rule recomputations; AI cannot override manual', async () => {
    await upsertPerson(person('cy', 'Chief Marketing Officer', [['acme', 'employee']], at(7)));
    await upsertPerson(person('dee', 'Office Manager', [['acme', 'employee']], at(7)));
    await waitGroup('si-x', 'acme', () => roleOf('si-x', 'acme', 'cy') === 'Decision Maker');

    await command({
      accountId: 'acme',
      solutionInterestId: 'si-x',
      personId: 'cy',
      action: 'remove',
      role: 'Decision Maker',
      source: 'manual',
    });
    await command({
      accountId: 'acme',
      solutionInterestId: 'si-x',
      personId: 'dee',
      action: 'add',
      role: 'Champion',
      source: 'manual',
    });
    await waitGroup(
      'si-x',
      'acme',
      (g) => roleOf('si-x', 'acme', 'dee') === 'Champion' && g.removedMembers.some((r) => r.personId === 'cy'),
    );

    await command({
      accountId: 'acme',
      solutionInterestId: 'si-x',
      personId: 'cy',
      action: 'add',
      role: 'Decision Maker',
      source: 'ai',
    });
    // A later CRM change recomputes the group from rules: the manual edits stand.
    await upsertPerson(person('cy', 'Chief Marketing Officer & Founder', [['acme', 'employee']], at(8)));
    await upsertPerson(person('dee', 'Office Manager II', [['acme', 'employee']], at(8)));
    await upsertPerson(person('eve', 'CMO', [['acme', 'employee']], at(8)));
    await waitGroup('si-x', 'acme', () => roleOf('si-x', 'acme', 'eve') === 'Decision Maker');
    const g = groupOf('si-x', 'acme')!;
    expect(roleOf('si-x', 'acme', 'cy')).toBeUndefined();
    expect(g.removedMembers).toEqual([
      expect.objectContaining({ personId: 'cy', role: 'Decision Maker', source: 'manual' }),
    ]);
    expect(g.members.find((m) => m.personId === 'dee')).toMatchObject({ role: 'Champion', source: 'manual' });
  });

  it('deleting a person removes them from every group', async () => {
    await p.send(Topics.crmPersons, [
      { key: 'ben', type: 'person.deleted', data: { personId: 'ben', deletedAt: at(9) } },
    ]);
    await waitGroup('si-x', 'acme', () => roleOf('si-x', 'acme', 'ben') === undefined);
    await waitGroup('si-x', 'globex', () => roleOf('si-x', 'globex', 'ben') === undefined);
  });

  it('rolls people of descendant accounts up with scope account-and-descendants', async () => {
    await upsertAccount(account('acme-eu', at(10), 5_000_000, 'acme'));
    await upsertPerson(person('fay', 'Software Engineer', [['acme-eu', 'employee']], at(10)));
    await p.defineSolutionInterest(
      solutionInterestDefinition({
        solutionInterestId: 'si-tree',
        name: 'Tree',
        memberScope: 'account-and-descendants',
      }),
    );
    await waitGroup('si-tree', 'acme', () => roleOf('si-tree', 'acme', 'fay') === 'Practitioner');
    expect(roleOf('si-x', 'acme', 'fay')).toBeUndefined();
    // Moving the child out of the hierarchy takes its people out of the parent's group.
    await upsertAccount(account('acme-eu', at(11), 5_000_000, null));
    await waitGroup('si-tree', 'acme', () => roleOf('si-tree', 'acme', 'fay') === undefined);
  });

  it('places people by a condition without a value (exists) and sends their reason as its consumers read it', async () => {
    const slots = [
      {
        role: 'Other',
        weight: 20 as const,
        required: false,
        minMembers: 1,
        conditions: { field: 'jobTitle', op: 'exists' as const },
      },
    ];
    await p.defineSolutionInterest(
      solutionInterestDefinition({
        solutionInterestId: 'si-any',
        name: 'Anyone',
        template: { id: 'rt-any', version: 1, name: 'Anyone', slots },
      }),
    );
    await waitGroup('si-any', 'acme', (g) => g.members.some((m) => m.personId === 'cy'));
    // Every group of the new interest is out before the next test counts versions.
    for (const accountId of ['acme-eu', 'globex']) await waitGroup('si-any', accountId, (g) => g.status === 'active');
    const cy = groupOf('si-any', 'acme')!.members.find((m) => m.personId === 'cy')!;
    expect(cy.reason.matched).toEqual([
      { field: 'jobTitle', op: 'exists', actual: 'Chief Marketing Officer & Founder' },
    ]);
    // The event was validated against the schema scoring reads it with (an invalid one would not have been emitted,
    // and the file's end checks that no internal dead letter appeared).
    expect(
      groupMembershipChangedSchema.safeParse(p.versions().find((v) => v.solutionInterestId === 'si-any')).success,
    ).toBe(true);
  });

  it('a template version change recomputes exactly the groups of the solution interest pinned to it, once each', async () => {
    const before = p.versions().length;
    const stored = await db.query(
      "SELECT account_id FROM groups WHERE solution_interest_id = 'si-x' ORDER BY account_id",
    );
    const slots = solutionInterestDefinition().template.slots.map((s, i) =>
      i === 2 ? { ...s, conditions: { field: 'jobTitle', op: 'contains' as const, value: 'manager' } } : s,
    );
    await p.defineSolutionInterest(
      solutionInterestDefinition({ template: { id: 'rt-1', version: 2, name: 'Dev tools', slots } }),
    );
    await expect
      .poll(
        async () =>
          (
            await db.query(
              "SELECT status FROM recompute_jobs WHERE solution_interest_id = 'si-x' ORDER BY job_id DESC LIMIT 1",
            )
          ).rows[0]?.status,
        { timeout: 20_000 },
      )
      .toBe('done');
    await p.groups.waitFor(
      () =>
        p
          .versions()
          .slice(before)
          .filter((v) => v.solutionInterestId === 'si-x').length >= stored.rowCount!,
    );
    const changed = p.versions().slice(before);
    expect(changed.map((v) => v.accountId).sort()).toEqual(stored.rows.map((r) => r.account_id).sort());
    // The cause is the operator's action (a definition published before definitions carried their cause), never the
    // internal event that carried it.
    expect(
      changed.every(
        (v) => v.solutionInterestId === 'si-x' && v.cause.eventType === operatorActionTypes.solutionInterestDefined,
      ),
    ).toBe(true);
    // The new Practitioner rule places the office manager.
    expect(roleOf('si-x', 'acme', 'dee')).toBe('Champion');
    expect(groupOf('si-x', 'acme')!.slots[2]!.conditions).toEqual({
      field: 'jobTitle',
      op: 'contains',
      value: 'manager',
    });
  });
});

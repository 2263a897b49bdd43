import { describe, expect, it } from 'vitest';
import type { BuyingGroupChanged } from '@bg/contracts';
import { checkAnsweredOnce, checkVersions, percentiles } from '../../src/checks';
import type { GroupHistory } from '../../src/public-topic';

const at = '2026-11-01T00:00:00.000Z';
/**
 * A group's history on the public topic: `versions` as [version, content] in topic order; each version answers the
 * input named `in-<content>` unless `answers` says which inputs each version names.
 */
function history(
  accountId: string,
  versions: [number, string][],
  latest: { status?: 'active' | 'dissolved'; members?: string[]; answers?: [number, string[]][] } = {},
): GroupHistory {
  const copies = new Map<number, string[]>();
  const firstSeen: number[] = [];
  const answers = new Map<string, Map<number, 'cause' | 'coalesced'>>();
  for (const [version, content] of versions) {
    if (!copies.has(version)) firstSeen.push(version);
    copies.set(version, [...(copies.get(version) ?? []), content]);
  }
  for (const [version, inputs] of latest.answers ?? versions.map(([v, content]) => [v, [`in-${content}`]] as const))
    for (const [i, input] of inputs.entries())
      answers.set(input, (answers.get(input) ?? new Map()).set(version, i === 0 ? 'cause' : 'coalesced'));
  const data = {
    buyingGroupId: `bg-si-${accountId}`,
    accountId,
    solutionInterestId: 'si',
    version: Math.max(...copies.keys()),
    status: latest.status ?? 'active',
    members: (latest.members ?? []).map((personId) => ({
      personId,
      role: 'Practitioner',
      source: 'rule',
      since: at,
      reason: { slot: 0, matched: [] },
    })),
    removedMembers: [],
  } as unknown as BuyingGroupChanged;
  return { copies, firstSeen, answers, latest: data };
}
const groupsOf = (...list: GroupHistory[]) => new Map(list.map((g) => [g.latest.buyingGroupId, g]));

describe('the version check', () => {
  it('passes versions 1..n with identical redeliveries', () => {
    const result = checkVersions(
      groupsOf(
        history('acc-big', [
          [1, 'a'],
          [2, 'b'],
          [1, 'a'],
          [2, 'b'],
          [3, 'c'],
        ]),
      ),
    );
    expect(result).toMatchObject({ pass: true, versions: 3, duplicates: 2 });
  });

  it('fails on a skipped version, a version first published out of order, or a redelivery that differs', () => {
    const skipped = checkVersions(
      groupsOf(
        history('acc-big', [
          [1, 'a'],
          [3, 'c'],
        ]),
      ),
    );
    expect(skipped.detail).toContain('versions 2 never published');
    const reordered = checkVersions(
      groupsOf(
        history('acc-big', [
          [2, 'b'],
          [1, 'a'],
        ]),
      ),
    );
    expect(reordered.detail).toContain('v1 first published after v2');
    const differs = checkVersions(
      groupsOf(
        history('acc-big', [
          [1, 'a'],
          [1, 'x'],
        ]),
      ),
    );
    expect(differs.detail).toContain('v1 published 2 times with different content');
    expect([skipped, reordered, differs].map((r) => r.pass)).toEqual([false, false, false]);
  });
});

describe('the applied-once check', () => {
  it('passes when each input is named by one version, however often that version was redelivered', () => {
    const result = checkAnsweredOnce(
      groupsOf(
        history(
          'acc-big',
          [
            [1, 'a'],
            [2, 'b'],
            [2, 'b'],
          ],
          {
            answers: [
              [1, ['e1']],
              [2, ['e2', 'e3']],
            ],
          },
        ),
      ),
    );
    expect(result).toMatchObject({ pass: true, inputs: 3 });
  });

  it('fails when one input is named by two versions of a group (as cause or coalesced)', () => {
    const result = checkAnsweredOnce(
      groupsOf(
        history(
          'acc-big',
          [
            [1, 'a'],
            [2, 'b'],
          ],
          {
            answers: [
              [1, ['e1']],
              [2, ['e2', 'e1']],
            ],
          },
        ),
      ),
    );
    expect(result.pass).toBe(false);
    expect(result.detail).toContain('bg-si-acc-big: input e1 named by versions 1 (cause), 2 (coalesced)');
  });

  it('lets an input that changed a person’s accounts be named once per account it touched, and no more', () => {
    const moved = (versions: number) =>
      groupsOf(
        history(
          'acc-big',
          Array.from({ length: versions }, (_, i) => [i + 1, String(i)] as [number, string]),
          { answers: Array.from({ length: versions }, (_, i) => [i + 1, ['e1']] as [number, string[]]) },
        ),
      );
    expect(checkAnsweredOnce(moved(2), new Map([['e1', 2]])).pass).toBe(true);
    expect(checkAnsweredOnce(moved(3), new Map([['e1', 2]])).pass).toBe(false);
    expect(checkAnsweredOnce(moved(2), new Map([['e2', 2]])).pass).toBe(false);
  });
});

describe('percentiles', () => {
  it('takes the nearest rank', () => {
    expect(percentiles([5, 1, 4, 2, 3])).toEqual({ n: 5, p50: 3, p95: 5, p99: 5, max: 5 });
    expect(percentiles([]).n).toBe(0);
  });
});

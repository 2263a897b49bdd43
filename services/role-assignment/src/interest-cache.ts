import type { Queryable } from '@bg/postgres';
import { definitionsStamp, liveSolutionInterests } from './db/state';
import type { Interest } from './domain/group-state';

/**
 * The live solution interests, read again only when a definition changed (a one-row check per use), so that a chunk
 * does not re-read every definition — large static audiences included — whatever it holds.
 */
export class InterestCache {
  private stamp: string | null = null;
  private interests: ReadonlyMap<string, Interest> = new Map();

  async current(db: Queryable): Promise<ReadonlyMap<string, Interest>> {
    const stamp = await definitionsStamp(db);
    if (stamp !== this.stamp) {
      this.interests = new Map((await liveSolutionInterests(db)).map((si) => [si.solutionInterestId, si]));
      this.stamp = stamp;
    }
    return this.interests;
  }

  /** The definitions as last read, without asking the database; null before the first read. May be out of date. */
  lastRead(): ReadonlyMap<string, Interest> | null {
    return this.stamp === null ? null : this.interests;
  }
}

import { NotifiedLoop } from '@bg/postgres';
import type { Logger } from '@bg/service-kit';
import { groupMoves, type GroupSummary } from '../db/groups';
import { feedDecision, type GroupFilter } from '../domain/group-filter';
import { groupVersionsChannel, parseNotice } from '../domain/group-versions-notice';
import { shared } from '../http/shared-plugin';

/** What a subscriber is told: a group of its view changed (or left it), or it must reload (notifications were lost). */
export type FeedEvent = { kind: 'group'; matches: boolean; group: GroupSummary } | { kind: 'resync' };

const maxQueuedNotices = 1_000;

type Subscriber = { filter: GroupFilter; send: (event: FeedEvent) => void };

export type GroupFeed = {
  /** Starts sending `filter`'s events to `send`; returns the unsubscribe function. */
  subscribe: (filter: GroupFilter, send: (event: FeedEvent) => void) => () => void;
};

declare module 'fastify' {
  interface FastifyInstance {
    groupFeed: GroupFeed;
  }
}

/**
 * The live feed of group versions: one LISTEN connection per API replica hears what any replica's projection
 * committed (NOTIFY at commit, so a change is never announced before it can be read), reads the changed groups once
 * per notification — only when someone is listening — and hands each subscriber the groups of its filter.
 */
export const livePlugin = shared('live', async (app) => {
  const subscribers = new Set<Subscriber>();
  const notices: string[] = [];
  const loop = new NotifiedLoop({
    databaseUrl: app.config.DATABASE_URL,
    channel: groupVersionsChannel,
    name: 'live group feed',
    logger: app.log as Logger,
    onNotification: (payload) => {
      if (subscribers.size === 0) return;
      // Far behind (a burst while the database is slow): tell the views to reload rather than queue without bound.
      if (notices.length >= maxQueuedNotices) {
        notices.length = 0;
        for (const subscriber of subscribers) subscriber.send({ kind: 'resync' });
        return;
      }
      notices.push(payload);
    },
    onReconnected: () => {
      for (const subscriber of subscribers) subscriber.send({ kind: 'resync' });
    },
    work: async () => {
      const payload = notices.shift();
      if (payload === undefined) return false;
      let moves;
      try {
        moves = await groupMoves(app.db, parseNotice(payload));
      } catch (error) {
        // The loop retries, but this notice is gone: the views reload instead of missing its groups.
        for (const subscriber of subscribers) subscriber.send({ kind: 'resync' });
        throw error;
      }
      for (const subscriber of subscribers) {
        for (const move of moves) {
          const decision = feedDecision(subscriber.filter, move.now, move.before);
          if (decision) subscriber.send({ kind: 'group', matches: decision.matches, group: move.now });
        }
      }
      return notices.length > 0;
    },
  });
  await loop.start();
  app.decorate('groupFeed', {
    subscribe(filter, send) {
      const subscriber = { filter, send };
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },
  } satisfies GroupFeed);
  app.addHook('onClose', async () => {
    await loop.stop();
  });
});

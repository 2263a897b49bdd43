import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FeedEvent } from '../plugins/live';
import { problems } from '../schemas/common';
import { liveGroupsQuery } from '../schemas/groups';

/** A comment line now and then keeps proxies and the browser from closing a quiet stream. */
const keepAliveMs = 20_000;

function frame(event: FeedEvent): string {
  if (event.kind === 'resync') return 'event: resync\ndata: {}\n\n';
  const { group, matches } = event;
  return `event: group\nid: ${group.buyingGroupId}:${group.version}\ndata: ${JSON.stringify({ matches, group })}\n\n`;
}

/**
 * `GET /v1/buying-groups/live` (additive): server-sent events of the groups a view shows, as new versions reach the
 * projection. It takes the list's filters (or `buyingGroupId`) and needs a token like every data route; browsers read
 * it with fetch (which can send the Authorization header, unlike EventSource). There is no replay: a client that
 * reconnects, or receives `resync`, reloads what it shows.
 */
export const liveRoutes: FastifyPluginAsyncZod = async (app) => {
  const open = new Set<ServerResponse>();
  // Streams never go idle, so the server's close would wait for them: end them first, and their connections with
  // them (a connection that turns idle after the server closed its idle ones would hold it for the keep-alive time).
  app.addHook('preClose', async () => {
    for (const response of open) response.end(() => response.socket?.end());
  });

  app.get('/v1/buying-groups/live', {
    schema: {
      tags: ['groups'],
      summary: 'Server-sent events: each new version of a group matching the filters (text/event-stream)',
      description:
        'Events: `ready` once subscribed; `group` with `{ matches, group }` (a list summary) when a group matching the ' +
        'filters got a new version (`matches: true`) or stopped matching (`matches: false`); `resync` when changes may ' +
        'have been missed (reload). The event id is `<buyingGroupId>:<version>`. Send the token in the Authorization ' +
        'header (read with fetch, not EventSource).',
      querystring: liveGroupsQuery,
      response: { ...problems(400, 401) },
    },
    handler: async (request, reply) => {
      const { status = 'active', ...filters } = request.query;
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      reply.hijack();
      open.add(response);
      const unsubscribe = app.groupFeed.subscribe({ ...filters, status }, (event) => response.write(frame(event)));
      const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), keepAliveMs);
      response.once('close', () => {
        clearInterval(keepAlive);
        unsubscribe();
        open.delete(response);
      });
      response.write('retry: 2000\nevent: ready\ndata: {}\n\n');
    },
  });
};

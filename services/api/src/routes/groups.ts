import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { decodeCursor, encodeCursor, type SortedPosition } from '../domain/cursor';
import { sortKey } from '../domain/group-filter';
import { invalid, notFound } from '../domain/problem';
import { findSnapshot, groupHistory, groupsOfAccount, listGroups, membershipsOf } from '../db/groups';
import { opportunitiesOfGroup } from '../db/opportunities';
import { accountRef, childrenOf, findAccount, findPerson, linksOf } from '../db/records';
import { problems } from '../schemas/common';
import {
  accountViewSchema,
  groupListSchema,
  groupParams,
  groupSnapshotSchema,
  historyQuery,
  historySchema,
  listGroupsQuery,
  personViewSchema,
  recordParams,
} from '../schemas/groups';

const defaultLimit = 50;

function badCursor(): never {
  throw invalid('the query string', [
    {
      path: 'query.cursor',
      message: 'not a cursor this listing issued: pass nextCursor from the previous page unchanged, with the same sort',
    },
  ]);
}

/** Browsing the projection (CONTRACT.md §5): groups with the workflow filters, their history, accounts, persons. */
export const groupRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/v1/buying-groups', {
    schema: {
      tags: ['groups'],
      summary: 'Buying groups matching every filter given, in pages (keyset on buyingGroupId, or on a score with sort)',
      description:
        'The workflow query "Decision Maker missing and completeness under 50": ?missingRole=Decision%20Maker&completenessLt=50',
      querystring: listGroupsQuery,
      response: { 200: groupListSchema, ...problems(400, 401) },
    },
    handler: async (request) => {
      const { cursor, limit = defaultLimit, status = 'active', sort = 'buyingGroupId', ...filters } = request.query;
      const key = sortKey(sort);
      let after: string | SortedPosition | undefined;
      if (cursor !== undefined) {
        after =
          key === null
            ? (decodeCursor('buying-groups', cursor) ?? badCursor())
            : (decodeCursor('buying-groups-sorted', cursor) ?? badCursor());
        if (typeof after === 'object' && after.sort !== sort) badCursor();
      }
      // One extra row tells whether another page exists without a count.
      const rows = await listGroups(app.db, { ...filters, status, sort, after, limit: limit + 1 });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      let nextCursor: string | null = null;
      if (rows.length > limit && last) {
        nextCursor =
          key === null
            ? encodeCursor('buying-groups', last.buyingGroupId)
            : encodeCursor('buying-groups-sorted', { sort, score: last[key.column], id: last.buyingGroupId });
      }
      return { items, nextCursor };
    },
  });

  app.get('/v1/buying-groups/:id', {
    schema: {
      tags: ['groups'],
      summary: 'The latest snapshot of a buying group, as published on buying-groups.changes.v1',
      params: groupParams,
      response: { 200: groupSnapshotSchema, ...problems(400, 401, 404) },
    },
    handler: async (request) => {
      const snapshot = (await findSnapshot(app.db, request.params.id)) ?? missingGroup(request.params.id);
      const opportunities = await opportunitiesOfGroup(app.db, snapshot.accountId, snapshot.solutionInterestId);
      return { ...snapshot, opportunities };
    },
  });

  app.get('/v1/buying-groups/:id/history', {
    schema: {
      tags: ['groups'],
      summary: "A buying group's change events, oldest version first",
      params: groupParams,
      querystring: historyQuery,
      response: { 200: historySchema, ...problems(400, 401, 404) },
    },
    handler: async (request) => {
      const { id } = request.params;
      const { cursor, limit = defaultLimit } = request.query;
      const after = cursor === undefined ? 0 : (decodeCursor('history', cursor) ?? badCursor());
      const rows = await groupHistory(app.db, id, after, limit + 1);
      if (rows.length === 0 && after === 0 && !(await findSnapshot(app.db, id))) missingGroup(id);
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return {
        buyingGroupId: id,
        items,
        nextCursor: rows.length > limit && last ? encodeCursor('history', last.version) : null,
      };
    },
  });

  app.get('/v1/accounts/:id', {
    schema: {
      tags: ['groups'],
      summary: 'An account with its parent, children and buying groups',
      params: recordParams,
      response: { 200: accountViewSchema, ...problems(400, 401, 404) },
    },
    handler: async (request) => {
      const account = await findAccount(app.db, request.params.id);
      if (!account) throw notFound(`no account '${request.params.id}' is known`);
      const parentId = account.parentAccountId ?? null;
      return {
        account: { ...account, parentAccountId: parentId },
        parent: parentId === null ? null : await accountRef(app.db, parentId),
        children: await childrenOf(app.db, account.accountId),
        groups: await groupsOfAccount(app.db, account.accountId),
      };
    },
  });

  app.get('/v1/persons/:id', {
    schema: {
      tags: ['groups'],
      summary: 'A person with the accounts they are linked to and their memberships across groups',
      params: recordParams,
      response: { 200: personViewSchema, ...problems(400, 401, 404) },
    },
    handler: async (request) => {
      const person = await findPerson(app.db, request.params.id);
      if (!person) throw notFound(`no person '${request.params.id}' is known`);
      const memberships = await membershipsOf(app.db, person.personId);
      return {
        person,
        accounts: await linksOf(app.db, person.personId),
        memberships: memberships
          .filter((m) => !m.removed)
          .map(({ removed: _removed, at, ...m }) => ({ ...m, since: at })),
        removedFrom: memberships
          .filter((m) => m.removed)
          .map(({ removed: _removed, status: _status, at, ...m }) => ({ ...m, removedAt: at })),
      };
    },
  });
};

function missingGroup(id: string): never {
  throw notFound(`no buying group '${id}'`);
}

import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ProblemError } from '../domain/problem';
import { importMemberships } from '../handlers/import-memberships';
import { csvRecords, ndjsonRecords } from '../import/readers';
import { problems } from '../schemas/common';
import { importAnswerSchema } from '../schemas/groups';

const csv = 'text/csv';
const ndjson = 'application/x-ndjson';

/**
 * Third-party import of memberships (admin), as CSV or NDJSON. The body is handed over as a stream (no buffering):
 * these parsers exist only in this plugin, so elsewhere such bodies are refused with 415.
 */
export const importRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addContentTypeParser([csv, ndjson], (_request, payload, done) => done(null, payload));

  app.post('/v1/imports/buying-groups', {
    config: { auth: 'admin', accepts: [csv, ndjson] },
    schema: {
      tags: ['members'],
      summary: 'Import memberships: each accepted row becomes a member edit with import precedence',
      description:
        'Body: text/csv with a header row, or application/x-ndjson (one object per line), with the fields accountId, ' +
        'solutionInterestId, personId (or email) and role. Rows are judged one by one; lines count from 1, the CSV header ' +
        'being line 1.',
      response: { 200: importAnswerSchema, ...problems(400, 401, 403, 415) },
    },
    handler: async (request) => {
      const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
      if (type !== csv && type !== ndjson) {
        throw new ProblemError(
          415,
          `content type '${request.headers['content-type'] ?? 'none'}' is not accepted here: send ${csv} or ${ndjson}`,
        );
      }
      const body = request.body as Readable;
      try {
        const records = type === csv ? csvRecords(body) : ndjsonRecords(body);
        return await importMemberships(app.db, records, { now: app.now(), maxRows: app.config.IMPORT_MAX_ROWS });
      } finally {
        // Whatever was not read (a refused header, rows beyond the limit) is discarded, not left in the socket.
        if (!body.readableEnded) body.resume();
      }
    },
  });
};

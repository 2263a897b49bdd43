import type { FastifyRequest } from 'fastify';
import { authorize, type ApiToken, type Requirement, type Scope } from '../domain/auth';
import { ProblemError } from '../domain/problem';
import { shared } from '../http/shared-plugin';

/** The probes a supervisor or load balancer calls without credentials; everything else needs a token. */
export const openPaths: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

const challenge = 'Bearer realm="buying-groups"';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Throws the 401/403 problem unless the request's token meets `required` (for routes that decide per request);
     * returns the token's scope (null when nothing was required).
     */
    requireToken: (request: FastifyRequest, required: Requirement) => Scope | null;
  }
}

/** Bearer tokens, compared by SHA-256 digest; `read` for reading, `admin` for writing (CONTRACT.md §5). */
export const authPlugin = shared<{ tokens: ApiToken[] }>('auth', async (app, { tokens }) => {
  const requireToken = (request: FastifyRequest, required: Requirement): Scope | null => {
    const { url } = request.routeOptions;
    const outcome = authorize(request.headers.authorization, tokens, required);
    if (outcome.ok) return outcome.scope;
    if (outcome.status === 403) {
      throw new ProblemError(
        403,
        `${request.method} ${url} needs an admin token; the token given has the ${outcome.scope} scope`,
      );
    }
    const detail = {
      missing: 'send a token: Authorization: Bearer <token>',
      malformed: "the Authorization header must be 'Bearer <token>'",
      unknown: 'the token is not valid: check it against the tokens configured in API_TOKENS',
    }[outcome.reason];
    const header = outcome.reason === 'missing' ? challenge : `${challenge}, error="invalid_token"`;
    throw new ProblemError(401, detail, undefined, { 'www-authenticate': header });
  };
  app.decorate('requireToken', requireToken);
  app.addHook('onRequest', async (request) => {
    const { config, url } = request.routeOptions;
    void requireToken(request, config?.auth ?? (url !== undefined && openPaths.has(url) ? 'none' : 'read'));
  });
});

import { authorize, type ApiToken } from '../domain/auth';
import { ProblemError } from '../domain/problem';
import { shared } from '../http/shared-plugin';

/** The probes a supervisor or load balancer calls without credentials; everything else needs a token. */
export const openPaths: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

const challenge = 'Bearer realm="buying-groups"';

/** Bearer tokens, compared by SHA-256 digest; `read` for reading, `admin` for writing (CONTRACT.md §5). */
export const authPlugin = shared<{ tokens: ApiToken[] }>('auth', async (app, { tokens }) => {
  app.addHook('onRequest', async (request) => {
    const { config, url } = request.routeOptions;
    const required = config?.auth ?? (url !== undefined && openPaths.has(url) ? 'none' : 'read');
    const outcome = authorize(request.headers.authorization, tokens, required);
    if (outcome.ok) return;
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
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authorize, hashToken, parseApiTokens } from '../../src/domain/auth';

const sha = (token: string) => createHash('sha256').update(token).digest('hex');
const { tokens } = parseApiTokens(`admin:sha256:${sha('admin-secret')}, read:sha256:${sha('read-secret')}`);

describe('API tokens', () => {
  it('hashes a token to the hex SHA-256 that API_TOKENS holds', () => {
    expect(hashToken('admin-secret')).toBe(sha('admin-secret'));
    expect(hashToken('admin-secret')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('parses scoped digests and reports every bad entry by position without echoing it', () => {
    expect(tokens.map((t) => t.scope)).toEqual(['admin', 'read']);
    const parsed = parseApiTokens(`root:sha256:${sha('x')},admin:md5:abc,read:sha256:${sha('y')},admin:sha256:1234`);
    expect(parsed.tokens.map((t) => t.scope)).toEqual(['read']);
    expect(parsed.problems).toEqual([
      'entry 1 is not <scope>:sha256:<64 hex digits> with scope read or admin',
      'entry 2 is not <scope>:sha256:<64 hex digits> with scope read or admin',
      'entry 4 is not <scope>:sha256:<64 hex digits> with scope read or admin',
    ]);
    expect(parseApiTokens(' , ').problems).toEqual(['must name at least one token']);
  });

  it('lets an admin token do everything and a read token only read', () => {
    expect(authorize('Bearer admin-secret', tokens, 'admin')).toEqual({ ok: true, scope: 'admin' });
    expect(authorize('bearer admin-secret', tokens, 'read')).toEqual({ ok: true, scope: 'admin' });
    expect(authorize('Bearer read-secret', tokens, 'read')).toEqual({ ok: true, scope: 'read' });
    expect(authorize('Bearer read-secret', tokens, 'admin')).toEqual({
      ok: false,
      status: 403,
      reason: 'scope',
      scope: 'read',
    });
  });

  it('answers 401 for a missing, malformed or unknown token, and lets anyone through open routes', () => {
    expect(authorize(undefined, tokens, 'read')).toMatchObject({ status: 401, reason: 'missing' });
    expect(authorize('  ', tokens, 'read')).toMatchObject({ status: 401, reason: 'missing' });
    expect(authorize('Basic YWRtaW4=', tokens, 'read')).toMatchObject({ status: 401, reason: 'malformed' });
    expect(authorize('Bearer a b', tokens, 'read')).toMatchObject({ status: 401, reason: 'malformed' });
    expect(authorize('Bearer admin-secreT', tokens, 'read')).toMatchObject({ status: 401, reason: 'unknown' });
    expect(authorize(undefined, tokens, 'none')).toEqual({ ok: true, scope: null });
  });

  it('takes the wider scope when one token is configured under both', () => {
    const both = parseApiTokens(`read:sha256:${sha('t')},admin:sha256:${sha('t')}`).tokens;
    expect(authorize('Bearer t', both, 'admin')).toEqual({ ok: true, scope: 'admin' });
  });
});

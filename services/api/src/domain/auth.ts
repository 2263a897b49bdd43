import { createHash, timingSafeEqual } from 'node:crypto';

export const scopes = ['read', 'admin'] as const;
export type Scope = (typeof scopes)[number];

/** A configured token: only its SHA-256 digest is ever held. */
export type ApiToken = { scope: Scope; digest: Buffer };

/** What a route asks of the caller. */
export type Requirement = 'none' | Scope;

export type AuthOutcome =
  | { ok: true; scope: Scope | null }
  | { ok: false; status: 401; reason: 'missing' | 'malformed' | 'unknown' }
  | { ok: false; status: 403; reason: 'scope'; scope: Scope };

const ENTRY = /^(read|admin):sha256:([0-9a-f]{64})$/i;

/** SHA-256 of a bearer token, hex: what operators put in API_TOKENS (`<scope>:sha256:<hex>`). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Parses API_TOKENS, reporting every bad entry by position (never echoing more than its scope). */
export function parseApiTokens(value: string): { tokens: ApiToken[]; problems: string[] } {
  const tokens: ApiToken[] = [];
  const problems: string[] = [];
  const entries = value.split(',').map((entry) => entry.trim());
  entries.forEach((entry, index) => {
    if (entry === '') return;
    const match = ENTRY.exec(entry);
    if (!match) {
      problems.push(`entry ${index + 1} is not <scope>:sha256:<64 hex digits> with scope read or admin`);
      return;
    }
    tokens.push({ scope: match[1]!.toLowerCase() as Scope, digest: Buffer.from(match[2]!, 'hex') });
  });
  if (tokens.length === 0 && problems.length === 0) problems.push('must name at least one token');
  return { tokens, problems };
}

/**
 * Decides whether an `Authorization` header meets a route's requirement. The presented token is hashed and compared
 * in constant time with every configured digest, so timing says nothing about how close a guess was.
 */
export function authorize(header: string | undefined, tokens: readonly ApiToken[], required: Requirement): AuthOutcome {
  if (required === 'none') return { ok: true, scope: null };
  if (header === undefined || header.trim() === '') return { ok: false, status: 401, reason: 'missing' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  if (!match) return { ok: false, status: 401, reason: 'malformed' };
  const presented = createHash('sha256').update(match[1]!, 'utf8').digest();
  let scope: Scope | null = null;
  for (const token of tokens) {
    if (timingSafeEqual(presented, token.digest) && (scope === null || token.scope === 'admin')) scope = token.scope;
  }
  if (scope === null) return { ok: false, status: 401, reason: 'unknown' };
  if (required === 'admin' && scope !== 'admin') return { ok: false, status: 403, reason: 'scope', scope };
  return { ok: true, scope };
}

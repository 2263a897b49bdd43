import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export type LocalTokens = { admin: string; read: string };

/** `sha256:<hex>` of a token: what API_TOKENS holds, so no plain secret sits in configuration. */
export const hashToken = (token: string) => `sha256:${createHash('sha256').update(token).digest('hex')}`;

/**
 * The local stack's tokens: `API_ADMIN_TOKEN` / `API_READ_TOKEN` when given, else generated on first start (never a
 * default secret) and kept in `.run/` (mode 600).
 */
export function localTokens(file: string, env: NodeJS.ProcessEnv = process.env): LocalTokens {
  if (env.API_ADMIN_TOKEN && env.API_READ_TOKEN) return { admin: env.API_ADMIN_TOKEN, read: env.API_READ_TOKEN };
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalTokens;
  const tokens = {
    admin: `bga_${randomBytes(24).toString('base64url')}`,
    read: `bgr_${randomBytes(24).toString('base64url')}`,
  };
  writeFileSync(file, JSON.stringify(tokens), { mode: 0o600 });
  return tokens;
}

/** API_TOKENS value: `<scope>:<hash>` pairs, comma-separated. */
export const apiTokensValue = (tokens: LocalTokens) =>
  `admin:${hashToken(tokens.admin)},read:${hashToken(tokens.read)}`;

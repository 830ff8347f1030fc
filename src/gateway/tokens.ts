// Access tokens of the gateway: from config.gateway.tokens, or — when none are configured — one
// read+trade token generated on first start (crypto.randomBytes) and kept in
// `<dataDir>/gateway-tokens.json` (mode 0600) for later starts. Lookup is by SHA-256 digest, so
// comparing a guess never walks the secret; token values are never logged.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { appError } from '../errors.js';

/** File name of generated tokens inside app.dataDir. */
export const TOKENS_FILE = 'gateway-tokens.json';

const Entry = z.strictObject({
  name: z.string().min(1),
  token: z.string().min(16),
  scopes: z.array(z.enum(['read', 'trade'])).min(1),
});
const TokenFile = z.strictObject({ v: z.literal(1), tokens: z.array(Entry).min(1) });

/** An authenticated client: the token's name (never its value) and its scopes. */
export interface Principal {
  readonly name: string;
  readonly scopes: ReadonlySet<string>;
}

/** One configured token. */
export type TokenEntry = z.output<typeof Entry>;

/** Where the tokens came from (the main job prints how to authenticate). */
export type TokenSource = { readonly kind: 'config' } | { readonly kind: 'file'; readonly path: string; readonly generated: boolean };

const digest = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Known tokens by SHA-256 digest → principal (name + scopes). */
export class TokenStore {
  private readonly byDigest = new Map<string, Principal>();

  constructor(
    entries: readonly TokenEntry[],
    readonly source: TokenSource,
  ) {
    for (const e of entries) this.byDigest.set(digest(e.token), { name: e.name, scopes: new Set(e.scopes) });
  }

  /** The principal of `token`, or undefined. */
  authenticate(token: string): Principal | undefined {
    if (token.length < 16 || token.length > 512) return undefined;
    return this.byDigest.get(digest(token));
  }

  /** Number of tokens known. */
  get size(): number {
    return this.byDigest.size;
  }
}

/** Reads the tokens file, or creates it with one fresh read+trade token. */
function loadOrGenerate(dataDir: string): { entries: TokenEntry[]; path: string; generated: boolean } {
  const path = join(dataDir, TOKENS_FILE);
  if (existsSync(path)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw appError('ERR_CONFIG_FILE', { path, reason: (e as Error).message }, e);
    }
    const r = TokenFile.safeParse(parsed);
    if (!r.success) throw appError('ERR_CONFIG_FILE', { path, reason: `expected {v:1, tokens:[{name, token, scopes}]}: ${r.error.issues[0]?.message ?? 'invalid'}` });
    return { entries: r.data.tokens, path, generated: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const entries: TokenEntry[] = [{ name: 'generated', token: randomBytes(32).toString('base64url'), scopes: ['read', 'trade'] }];
  const tmp = `${path}.${process.pid}.tmp`;
  // Written under a temporary name with 0600 from the start, then renamed: never world-readable
  writeFileSync(tmp, JSON.stringify({ v: 1, tokens: entries }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return { entries, path, generated: true };
}

/** Builds the store from config (configured tokens win) or the data-dir file. */
export function loadTokens(configured: readonly TokenEntry[], dataDir: string): TokenStore {
  if (configured.length > 0) return new TokenStore(configured, { kind: 'config' });
  const { entries, path, generated } = loadOrGenerate(dataDir);
  return new TokenStore(entries, { kind: 'file', path, generated });
}

/**
 * A token with `scope` for the main job's one-click dashboard link: the first configured one, else
 * the first in the data-dir file (which the gateway has written by then). Never generates one;
 * undefined when there is none or the file is unreadable.
 */
export function tokenWithScope(configured: readonly { readonly token: string; readonly scopes: readonly string[] }[], dataDir: string, scope: 'read' | 'trade'): string | undefined {
  if (configured.length > 0) return configured.find((e) => e.scopes.includes(scope))?.token;
  try {
    const r = TokenFile.safeParse(JSON.parse(readFileSync(join(dataDir, TOKENS_FILE), 'utf8')));
    return r.success ? r.data.tokens.find((e) => e.scopes.includes(scope))?.token : undefined;
  } catch {
    return undefined;
  }
}

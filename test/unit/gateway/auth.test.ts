import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { authorize, bearerToken, corsOrigin, originAllowed } from '../../../src/gateway/auth.js';
import { loadTokens, TOKENS_FILE, TokenStore } from '../../../src/gateway/tokens.js';
import { isAppError } from '../../../src/errors.js';

const store = new TokenStore(
  [
    { name: 'ro', token: 'read-only-token-123456', scopes: ['read'] },
    { name: 'rw', token: 'read-write-token-123456', scopes: ['read', 'trade'] },
  ],
  { kind: 'config' },
);
const creds = (authorization = '', queryToken = '') => ({ authorization, queryToken });

describe('authorize', () => {
  it('passes public routes without credentials', () => {
    expect(authorize(store, creds(), 'none', false)).toEqual({ ok: true, principal: null });
  });
  it('401 without, with a malformed, or with an unknown token', () => {
    expect(authorize(store, creds(), 'read', false)).toMatchObject({ ok: false, code: 'ERR_WS_UNAUTHORIZED', reason: 'missing' });
    expect(authorize(store, creds('Basic abc'), 'read', false)).toMatchObject({ ok: false, code: 'ERR_WS_UNAUTHORIZED' });
    expect(authorize(store, creds('Bearer wrong-token-1234567890'), 'read', false)).toMatchObject({ ok: false, code: 'ERR_WS_UNAUTHORIZED' });
  });
  it('accepts ?token= only where allowed (the WebSocket upgrade)', () => {
    expect(authorize(store, creds('', 'read-only-token-123456'), 'read', false)).toMatchObject({ ok: false, code: 'ERR_WS_UNAUTHORIZED' });
    expect(authorize(store, creds('', 'read-only-token-123456'), 'read', true)).toMatchObject({ ok: true });
  });
  it('403 when the scope is missing', () => {
    expect(authorize(store, creds('Bearer read-only-token-123456'), 'trade', false)).toMatchObject({ ok: false, code: 'ERR_WS_FORBIDDEN' });
    const ok = authorize(store, creds('bearer read-write-token-123456'), 'trade', false);
    expect(ok.ok && ok.principal?.name).toBe('rw');
  });
  it('never puts the token value in a reason', () => {
    const r = authorize(store, creds('Bearer read-only-token-123456'), 'trade', false);
    expect(JSON.stringify(r)).not.toContain('read-only-token-123456');
  });
  it('parses bearer tokens strictly', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
  });
});

describe('origin and CORS', () => {
  it('allows no Origin, the same host, and configured origins only', () => {
    expect(originAllowed('', '127.0.0.1:8080', [])).toBe(true);
    expect(originAllowed('http://127.0.0.1:8080', '127.0.0.1:8080', [])).toBe(true);
    expect(originAllowed('http://evil.example', '127.0.0.1:8080', [])).toBe(false);
    expect(originAllowed('http://ok.example', '127.0.0.1:8080', ['http://ok.example'])).toBe(true);
  });
  it('echoes configured origins', () => {
    expect(corsOrigin('http://ok.example', ['http://ok.example'])).toBe('http://ok.example');
    expect(corsOrigin('http://x', ['*'])).toBe('*');
    expect(corsOrigin('http://x', [])).toBeUndefined();
  });
});

describe('token file', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('generates one read+trade token with mode 0600 and reuses it', () => {
    dir = mkdtempSync(join(tmpdir(), 'ap-tok-'));
    const first = loadTokens([], join(dir, 'data'));
    const path = join(dir, 'data', TOKENS_FILE);
    expect(first.source).toEqual({ kind: 'file', path, generated: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { tokens: { token: string; scopes: string[] }[] };
    expect(saved.tokens[0]!.token.length).toBeGreaterThanOrEqual(32);
    expect(saved.tokens[0]!.scopes).toEqual(['read', 'trade']);
    const second = loadTokens([], join(dir, 'data'));
    expect(second.source).toEqual({ kind: 'file', path, generated: false });
    expect(second.authenticate(saved.tokens[0]!.token)?.scopes.has('trade')).toBe(true);
  });

  it('prefers configured tokens and rejects a corrupt file with ERR_CONFIG_FILE', () => {
    dir = mkdtempSync(join(tmpdir(), 'ap-tok-'));
    expect(loadTokens([{ name: 'x', token: 'configured-token-12345', scopes: ['read'] }], dir).source).toEqual({ kind: 'config' });
    writeFileSync(join(dir, TOKENS_FILE), '{"v":1,"tokens":[]}');
    let caught: unknown;
    try {
      loadTokens([], dir);
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught, 'ERR_CONFIG_FILE')).toBe(true);
  });
});

// The dashboard announcement: the token goes to a terminal only, never into log lines; the link
// carries it as the dashboard reads it (?token=, src/gateway/web/auth.js).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { announceDashboard, dashboardLink } from '../../../actors/dashboard-link.js';
import { loadConfig, type AppConfig } from '../../../src/config.js';
import { createRootLogger } from '../../../src/log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const TOKEN = 'tok-0123456789abcdef-read';

function setup(tokensInConfig: boolean): { config: AppConfig; lines: string[]; out: (tty: boolean) => { isTTY: boolean; write: (s: string) => void; text: string[] } } {
  const dataDir = mkdtempSync(join(tmpdir(), 'ap-link-'));
  dirs.push(dataDir);
  const env: Record<string, string> = { DATA_DIR: dataDir };
  if (tokensInConfig) env['API__TOKENS'] = JSON.stringify([{ name: 'ops', token: 'tok-trade-only-0123456', scopes: ['trade'] }, { name: 'ui', token: TOKEN, scopes: ['read'] }]);
  else writeFileSync(join(dataDir, 'gateway-tokens.json'), JSON.stringify({ v: 1, tokens: [{ name: 'generated', token: TOKEN, scopes: ['read', 'trade'] }] }));
  const r = loadConfig({ argv: [], env, cwd: dataDir });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  const lines: string[] = [];
  const out = (tty: boolean) => {
    const text: string[] = [];
    return { isTTY: tty, write: (s: string) => void text.push(s), text };
  };
  return { config: r.value, lines, out };
}

describe('announceDashboard', () => {
  for (const tokensInConfig of [false, true]) {
    it(`on a terminal prints a one-click link, and logs no token (tokens from ${tokensInConfig ? 'config' : 'the data-dir file'})`, () => {
      const { config, lines, out } = setup(tokensInConfig);
      const log = createRootLogger({ logLevel: 'trace' }, { write: (l: string) => void lines.push(l) });
      const tty = out(true);
      announceDashboard(log, 'http://127.0.0.1:8080/', config, tty);
      expect(tty.text.join('')).toContain(`http://127.0.0.1:8080/?token=${TOKEN}`);
      expect(lines).toHaveLength(1);
      expect(lines.join('')).toContain('dashboard: http://127.0.0.1:8080/');
      expect(lines.join('')).not.toContain(TOKEN);
    });
  }

  it('when stdout is not a terminal nothing carries the token', () => {
    const { config, lines, out } = setup(false);
    const pipe = out(false);
    announceDashboard(createRootLogger({ logLevel: 'trace' }, { write: (l: string) => void lines.push(l) }), 'http://127.0.0.1:8080/', config, pipe);
    expect(pipe.text).toEqual([]);
    expect(lines.join('')).not.toContain(TOKEN);
  });

  it('the link encodes the token as a query parameter', () => {
    expect(dashboardLink('http://127.0.0.1:8080/', 'a+b/c=')).toBe('http://127.0.0.1:8080/?token=a%2Bb%2Fc%3D');
  });
});

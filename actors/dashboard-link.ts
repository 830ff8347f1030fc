// The dashboard line the main job prints once the gateway listens. On a terminal it is a
// one-click link with a read token in `?token=` (the dashboard moves it into sessionStorage and
// strips it from the address bar, src/gateway/web/auth.js). The token is written straight to the
// terminal, never through the logger: log lines may be piped, stored or shipped, the terminal is
// the operator's own screen. When stdout is not a terminal only the token-free URL is logged.
import type { Logger } from 'pino';
import type { AppConfig } from '../src/config.js';
import { TOKENS_FILE, tokenWithScope } from '../src/gateway/tokens.js';

/** Where the link goes: a terminal (or anything else, which gets no token). */
export interface LinkOutput {
  readonly isTTY?: boolean;
  write(s: string): unknown;
}

/** The link with the token as the dashboard reads it. */
export function dashboardLink(url: string, token: string): string {
  const u = new URL(url);
  u.searchParams.set('token', token);
  return u.href;
}

/** Logs where the dashboard is (no token) and, on a terminal, prints the one-click link. */
export function announceDashboard(log: Logger, url: string, config: AppConfig, out: LinkOutput = process.stdout): void {
  const from = config.gateway.tokens.length > 0 ? 'config gateway.tokens' : `${config.app.dataDir}/${TOKENS_FILE}`;
  log.info({ url }, `dashboard: ${url}  (token in ${from}; API clients send "Authorization: Bearer <token>")`);
  if (out.isTTY !== true) return;
  const token = tokenWithScope(config.gateway.tokens, config.app.dataDir, 'read');
  if (token === undefined) return;
  out.write(`\n  open the dashboard (logs you in): ${dashboardLink(url, token)}\n\n`);
}

// Static files: the dashboard from `<projectRoot>/src/gateway/web/` (tsc does not copy non-TS files,
// so they are read from the source tree at run time), lightweight-charts' standalone build from
// node_modules at /vendor/lightweight-charts.js (no CDN: the machine has no internet), and the
// compiled client SDK (dist/src/client) at /sdk/. Paths are normalised and must stay inside their
// root; dotfiles are never served.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reply } from './http.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers of every dashboard file: no framing, no referrer (the page URL may carry ?token=). */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-cache',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

const NOT_BUILT = `<!doctype html><html><head><meta charset="utf-8"><title>Alpha Panda</title></head>
<body><h1>Alpha Panda gateway</h1><p>The dashboard is not built: src/gateway/web/index.html is missing.
The API is available under /api/v1 (Authorization: Bearer &lt;token&gt;) and the stream at /ws.</p></body></html>`;

/** Walks up from this file to the directory holding package.json (works from src/ and dist/). */
export function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

/** Serves the dashboard directory and the charts library; missing files are undefined (→ 404). */
export class StaticFiles {
  private vendor: Uint8Array | undefined;

  constructor(
    readonly webRoot: string,
    private readonly vendorPath: string,
    /** The compiled SDK's directory (undefined: /sdk/ serves nothing). */
    private readonly sdkRoot?: string,
  ) {}

  /** Default locations under the project root. */
  static atProjectRoot(webRoot?: string): StaticFiles {
    const root = findProjectRoot();
    return new StaticFiles(
      webRoot ?? join(root, 'src/gateway/web'),
      join(root, 'node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.js'),
      join(root, 'dist/src/client'),
    );
  }

  /** The dashboard page (or the "not built" page). */
  async index(): Promise<Reply> {
    const page = await this.file('index.html');
    return page ?? { kind: 'raw', contentType: TYPES['.html']!, body: NOT_BUILT, headers: PAGE_HEADERS };
  }

  /** A file below the web root by its URL path (already stripped of any mount prefix); undefined if absent. */
  file(urlPath: string): Promise<Reply | undefined> {
    return this.under(this.webRoot, urlPath);
  }

  /** A JavaScript module of the compiled SDK (its .js files only); undefined if absent. */
  sdk(urlPath: string): Promise<Reply | undefined> {
    if (this.sdkRoot === undefined || extname(urlPath) !== '.js') return Promise.resolve(undefined);
    return this.under(this.sdkRoot, urlPath);
  }

  private async under(root: string, urlPath: string): Promise<Reply | undefined> {
    let rel: string;
    try {
      rel = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    if (rel.includes('\0') || rel.split('/').some((p) => p.startsWith('.'))) return undefined;
    const full = normalize(join(root, rel));
    if (!full.startsWith(root + sep)) return undefined;
    const type = TYPES[extname(full).toLowerCase()];
    if (type === undefined) return undefined;
    try {
      const body = await readFile(full);
      return { kind: 'raw', contentType: type, body, headers: PAGE_HEADERS };
    } catch {
      return undefined;
    }
  }

  /** lightweight-charts standalone production build (read once). */
  async chartsLibrary(): Promise<Reply | undefined> {
    try {
      this.vendor ??= await readFile(this.vendorPath);
    } catch {
      return undefined;
    }
    return { kind: 'raw', contentType: TYPES['.js']!, body: this.vendor, headers: { 'Cache-Control': 'public, max-age=86400' } };
  }
}

// Liveness, readiness, metrics, status and the dashboard's static routes. /health is public and
// never rate-limited (it says only that this process answers); /ready, /metrics and /api/v1/status
// need `read`; the dashboard files are public because they hold no data — everything they show
// comes through the authenticated API.
import { appError } from '../errors.js';
import type { Reply } from './http.js';
import type { GatewayMetrics } from './metrics.js';
import type { Route } from './router.js';
import type { StaticFiles } from './static.js';
import { readiness, viewStatus, type StatusView } from './status-view.js';
import type { Upstream } from './upstream.js';

/** Dependencies of the system routes. */
export interface SystemDeps {
  readonly upstream: Upstream;
  readonly metrics: GatewayMetrics;
  readonly files: StaticFiles;
  readonly readySupervisor: string;
  /** This gateway process (gen, pid, connections, uptime). */
  gateway(): Readonly<Record<string, unknown>>;
  nowMs(): number;
  /** Remembers the newest status (for /metrics when the main thread is slow). */
  noteStatus(view: StatusView): void;
  lastStatus(): StatusView | undefined;
}

const missing = (what: string): never => {
  throw appError('ERR_HTTP_NOT_FOUND', { what });
};

/** The system and static routes. */
export function systemRoutes(d: SystemDeps): Route[] {
  const fresh = async (): Promise<StatusView> => {
    const view = viewStatus(await d.upstream.status(), d.nowMs());
    d.noteStatus(view);
    return view;
  };
  const page = (): Promise<Reply> => d.files.index();
  return [
    { method: 'get', pattern: '/health', scope: 'none', rateLimited: false, handler: () => ({ kind: 'json', data: { status: 'ok', ...d.gateway() } }) },
    {
      method: 'get',
      pattern: '/ready',
      scope: 'read',
      handler: async () => {
        const r = readiness(await fresh(), d.readySupervisor);
        if (!r.ready) throw appError('ERR_SYSTEM_NOT_READY', { supervisor: r.supervisor, state: r.state, details: r });
        return { kind: 'json', data: r };
      },
    },
    {
      method: 'get',
      pattern: '/metrics',
      scope: 'read',
      handler: async () => {
        // A scrape still answers when the main thread is slow: gauges keep the last status
        const view = await fresh().catch(() => d.lastStatus());
        if (view !== undefined) d.metrics.fromStatus(view);
        const { contentType, body } = await d.metrics.exposition();
        return { kind: 'raw', contentType, body, headers: { 'Cache-Control': 'no-store' } };
      },
    },
    {
      method: 'get',
      pattern: '/api/v1/status',
      scope: 'read',
      handler: async () => {
        const view = await fresh();
        return { kind: 'json', data: { ...view, ready: readiness(view, d.readySupervisor), gateway: d.gateway() } };
      },
    },
    { method: 'get', pattern: '/', scope: 'none', handler: page },
    { method: 'get', pattern: '/dashboard', scope: 'none', handler: page },
    { method: 'get', pattern: '/dashboard/', scope: 'none', handler: page },
    {
      method: 'get',
      pattern: '/dashboard/*',
      scope: 'none',
      handler: async ({ req }) => (await d.files.file(req.path.slice('/dashboard/'.length))) ?? missing(`file ${req.path}`),
    },
    {
      method: 'get',
      pattern: '/vendor/lightweight-charts.js',
      scope: 'none',
      handler: async () => (await d.files.chartsLibrary()) ?? missing('lightweight-charts standalone build in node_modules'),
    },
    {
      // The client SDK (src/client, compiled): the dashboard's stream connection is the SDK users get
      method: 'get',
      pattern: '/sdk/*',
      scope: 'none',
      handler: async ({ req }) => (await d.files.sdk(req.path.slice('/sdk/'.length))) ?? missing(`SDK file ${req.path} (npm run build compiles src/client)`),
    },
  ];
}

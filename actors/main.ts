// The main job: load config (every error reported at once, exit 1), build the supervision tree,
// start it, log a one-line summary every few seconds, and stop cleanly on SIGINT/SIGTERM.
import { mkdirSync } from 'node:fs';
import { cliArgs } from '../src/cli.js';
import { loadProcessConfig, formatConfigErrors, MAIN_CLI, redactConfig, type AppConfig } from '../src/config.js';
import { createRootLogger, flushLogger } from '../src/log.js';
import { realClock } from '../src/runtime/clock.js';
import { InvalidTreeError, type ActorSystem } from '../src/runtime/system.js';
import { summaryLine, type SummarySample } from './summary.js';
import { createSystem } from './system-factory.js';
import { isAppError } from '../src/errors.js';
import { assertBrokerSupported } from '../src/services/engine/adapter.js';
import { tradingBrokers } from './tree.js';
import { announceDashboard } from './dashboard-link.js';

async function main(): Promise<number> {
  if (cliArgs(MAIN_CLI) === undefined) return Number(process.exitCode ?? 0); // --help, or a usage error
  const loaded = loadProcessConfig({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() });
  if (!loaded.ok) {
    process.stderr.write(`ERR_CONFIG_INVALID: ${loaded.error.length} configuration error(s):\n${formatConfigErrors(loaded.error)}\n`);
    return 1;
  }
  const config: AppConfig = loaded.value;
  const log = createRootLogger(config.app);
  mkdirSync(config.app.dataDir, { recursive: true });
  const runId = realClock.nowMs().toString(36);
  let system: ActorSystem;
  try {
    // A broker without an adapter would crash-loop its engine and halt paper trading with it:
    // refuse it at start-up instead, with the catalogued error.
    for (const b of tradingBrokers(config)) assertBrokerSupported(b);
    system = createSystem(config, { runId, log });
  } catch (e) {
    if (e instanceof InvalidTreeError) {
      for (const err of e.errors) log.fatal({ code: err.code }, err.message);
      await flushLogger(log);
      return 1;
    }
    if (isAppError(e)) {
      log.fatal({ code: e.code }, e.message);
      await flushLogger(log);
      return 1;
    }
    throw e;
  }
  log.info({ runId }, 'starting Alpha Panda');
  log.debug({ config: redactConfig(config) }, 'effective configuration');
  await system.start();
  log.info({ state: system.status().state }, 'supervision tree started');
  const gateway = system.process('gateway');
  if (gateway !== undefined) {
    const addr = (await gateway.call('address', null).catch(() => undefined)) as { url?: string } | undefined;
    if (addr?.url !== undefined) announceDashboard(log, addr.url, config);
  }

  let previous: SummarySample | undefined;
  const timer = setInterval(() => {
    void (async () => {
      const call = (actor: string, command: string): Promise<unknown> =>
        system.actor(actor)?.control()?.call(command, null).catch(() => undefined) ?? Promise.resolve(undefined);
      const snap = (actor: string): Promise<unknown> =>
        system.actor(actor)?.control()?.snapshot().catch(() => undefined) ?? Promise.resolve(undefined);
      const [equity, runner, risk, ...engines] = await Promise.all([
        call('portfolio-manager', 'equity'),
        snap('strategy-runner'),
        snap('risk-manager'),
        ...tradingBrokers(config).map((b) => snap(`trading-engine-${b}`)),
      ]);
      const r = risk as { counts?: { validated?: number; rejected?: number } } | undefined;
      const e = engines as ({ published?: Record<string, number> } | undefined)[];
      const counts = {
        signals: (runner as { signalsPublished?: number } | undefined)?.signalsPublished ?? 0,
        validated: r?.counts?.validated ?? 0,
        rejected: r?.counts?.rejected ?? 0,
        fills: e.reduce((a, x) => a + (x?.published?.['orders.filled'] ?? 0), 0),
        failed: e.reduce((a, x) => a + (x?.published?.['orders.failed'] ?? 0), 0),
      };
      const sample: SummarySample = { at: realClock.monoMs(), rings: system.ringStats(), equity: equity as SummarySample['equity'], counts };
      log.info(summaryLine(previous, sample, system.status()));
      previous = sample;
    })();
  }, config.summaryIntervalMs);

  await new Promise<void>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      log.info({ signal: sig }, 'stopping');
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  clearInterval(timer);
  await system.stop('shutdown');
  log.info('stopped cleanly; state is in LMDB');
  await flushLogger(log);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`fatal: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);

// The main job: load config (every error reported at once), take the instance lock on the data dir,
// run the start-up pre-flight checks (every problem reported at once, exit code by class, see
// src/startup/exit-codes.ts), build the supervision tree, start it, log a one-line summary every
// few seconds, and stop cleanly on SIGINT/SIGTERM.
import type { Logger } from 'pino';
import { cliArgs } from '../src/cli.js';
import { loadProcessConfig, formatConfigErrors, MAIN_CLI, redactConfig, type AppConfig } from '../src/config.js';
import { createRootLogger, flushLogger } from '../src/log.js';
import { realClock } from '../src/runtime/clock.js';
import { InvalidTreeError, type ActorSystem } from '../src/runtime/system.js';
import { summaryLine, type SummarySample } from './summary.js';
import { fillLogMarks, pipelineCounts, replayDrained, replayIsJob, replayReports } from './replay-job.js';
import { createSystem } from './system-factory.js';
import { appError, isAppError, type AlphaPandaError } from '../src/errors.js';
import { assertBrokerSupported } from '../src/services/engine/adapter.js';
import { EXIT, exitCodeFor, exitCodeForAll } from '../src/startup/exit-codes.js';
import type { InstanceLock } from '../src/startup/instance-lock.js';
import { hintFor, lockInstance, preflight, type StartupProblem } from '../src/startup/preflight.js';
import { tradingBrokers } from './tree.js';
import { announceDashboard } from './dashboard-link.js';
import { nodePlan, prepareNode, type NodeControl } from './cluster-node.js';
import { processRequestHandler } from './requests.js';
import type { NodePlan } from '../src/cluster/placement.js';
import { leavesOf } from '../src/runtime/tree.js';

/** Logs every start-up problem with its hint, then one line with the exit code; returns that code. */
async function refuse(log: Logger, problems: readonly StartupProblem[]): Promise<number> {
  for (const p of problems) log.fatal({ code: p.error.code, hint: p.hint, detail: p.error.detail }, `${p.error.code}: ${p.error.message}`);
  const exitCode = exitCodeForAll(problems.map((p) => p.error.code));
  const noun = problems.length === 1 ? 'problem' : 'problems';
  log.fatal({ exitCode, problems: problems.length }, `refusing to start: ${problems.length} start-up ${noun}; exit code ${exitCode}`);
  await flushLogger(log);
  return exitCode;
}

async function main(): Promise<number> {
  if (cliArgs(MAIN_CLI) === undefined) return Number(process.exitCode ?? 0); // --help, or a usage error
  const loaded = loadProcessConfig({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() });
  if (!loaded.ok) {
    process.stderr.write(`ERR_CONFIG_INVALID: ${loaded.error.length} configuration error(s):\n${formatConfigErrors(loaded.error)}\n`);
    return EXIT.config;
  }
  const config: AppConfig = loaded.value;
  const log = createRootLogger(config.app);
  const single = (e: AlphaPandaError): Promise<number> => refuse(log, [{ error: e, hint: hintFor(e, config) }]);

  // The lock comes before anything opens the store: a second instance must not even probe it
  let locks: InstanceLock[];
  try {
    locks = lockInstance(config);
  } catch (e) {
    if (isAppError(e)) return single(e);
    throw e;
  }
  const releaseLocks = (): void => locks.forEach((l) => l.release());
  for (const l of locks) {
    if (l.previousPid === undefined) continue;
    log.warn({ lock: l.path, previousPid: l.previousPid }, `instance lock taken over: pid ${l.previousPid} ended without releasing it (killed or crashed)`);
  }
  // A cluster node runs the part of the tree placed on it (README, "Running on several machines")
  const node = config.cluster.node;
  let plan: NodePlan | undefined;
  if (node !== undefined) {
    const planned = nodePlan(config, node);
    if (!planned.ok) {
      releaseLocks();
      return refuse(log, planned.errors.map((error) => ({ error, hint: hintFor(error, config) })));
    }
    plan = planned.plan;
  }
  const startedAt = realClock.monoMs();
  const gatewayHere = plan === undefined ? config.gateway.enabled : leavesOf(plan.tree).some((l) => l.name === 'gateway');
  const problems = await preflight({ config, cwd: process.cwd(), brokers: tradingBrokers(config), nowMs: realClock.nowMs, gatewayHere });
  if (problems.length > 0) {
    releaseLocks();
    return refuse(log, problems);
  }
  log.debug({ ms: Math.round(realClock.monoMs() - startedAt) }, 'pre-flight checks passed');

  const runId = realClock.nowMs().toString(36);
  let system: ActorSystem;
  // Requests for actors on other nodes go there (once the node's NATS connection is up)
  let control: NodeControl | undefined;
  try {
    // A broker without an adapter would crash-loop its engine and halt paper trading with it:
    // refuse it at start-up instead, with the catalogued error.
    for (const b of tradingBrokers(config)) assertBrokerSupported(b);
    system = createSystem(config, { runId, log, ...(plan !== undefined ? { root: plan.tree, remote: (actor: string) => control?.remote(actor) } : {}) });
  } catch (e) {
    releaseLocks();
    if (e instanceof InvalidTreeError) return refuse(log, e.errors.map((error) => ({ error, hint: hintFor(error, config) })));
    if (isAppError(e)) return single(e);
    throw e;
  }
  log.info({ runId }, 'starting Alpha Panda');
  log.debug({ config: redactConfig(config) }, 'effective configuration');
  // Listen for SIGINT/SIGTERM before the tree starts: a signal during start-up (the default action
  // kills at once) then stops the tree cleanly as soon as it is up, and the lock is released
  const stopRequested = new Promise<void>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      log.info({ signal: sig }, 'stopping');
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  if (plan !== undefined) {
    try {
      const db = await system.openStore();
      if (db === undefined) throw appError('ERR_STORE_UNAVAILABLE', { path: config.store.path, reason: 'the store did not open' });
      control = await prepareNode(config, plan, db, log);
      // Other nodes' requests for this node's actors (never forwarded again)
      const local = processRequestHandler(system, { runId, startedAt: realClock.nowMs(), topology: config.runtime.topology });
      control.serve((command, arg) => local('remote', command, arg));
    } catch (e) {
      releaseLocks();
      if (isAppError(e)) return single(e);
      throw e;
    }
  }
  // A replay job reports the fills it makes: where each fill log stands before anything trades.
  // A cluster node is not a job: its part of the pipeline ends when the nodes are stopped
  const job = replayIsJob(config) && plan === undefined;
  const store = job ? await system.openStore().catch(() => undefined) : undefined;
  const marks = store !== undefined ? fillLogMarks(store, config) : undefined;
  await system.start();
  log.info({ state: system.status().state }, 'supervision tree started');
  const gateway = system.process('gateway');
  if (gateway !== undefined) {
    const addr = (await gateway.call('address', null).catch(() => undefined)) as { url?: string } | undefined;
    if (addr?.url !== undefined) announceDashboard(log, addr.url, config);
  }

  const takeSample = async (): Promise<SummarySample> => {
    const counts = await pipelineCounts(system, config, control?.remote);
    const portfolio = system.actor('portfolio-manager')?.control();
    const equity = await (portfolio !== undefined
      ? portfolio.call('equity', null).catch(() => undefined)
      : (control?.remote('portfolio-manager')?.('actor-call', { actor: 'portfolio-manager', command: 'equity', arg: null }).catch(() => undefined) ?? Promise.resolve(undefined)));
    return { at: realClock.monoMs(), rings: system.ringStats(), equity: equity as SummarySample['equity'], counts };
  };
  let previous: SummarySample | undefined;
  const timer = setInterval(() => {
    void takeSample().then((sample) => {
      log.info(summaryLine(previous, sample, system.status()));
      previous = sample;
    });
  }, config.summaryIntervalMs);

  // A replay is a job: once the file is consumed and the pipeline drained, summarise and exit 0
  const finished = await Promise.race([stopRequested.then(() => false), job ? replayDrained(system, config).then(() => true) : new Promise<boolean>(() => undefined)]);
  if (finished) {
    const sample = await takeSample();
    log.info({ file: config.feed.replayFile, counts: sample.counts, equity: sample.equity }, `replay finished: ${summaryLine(undefined, sample, system.status())}`);
    if (store !== undefined && marks !== undefined) {
      // The backtest's summary of what the actors did (a report failure never fails the finished job)
      try {
        for (const r of await replayReports(store, config, marks)) {
          // The figures without the per-day closes (the text has them all; --json of the backtest has the rest)
          const figures = ({ daily: _daily, ...m }: (typeof r.report.total)['metrics']) => m;
          log.info(
            { broker: r.broker, report: { total: figures(r.report.total.metrics), strategies: r.report.strategies.map((s) => ({ id: s.id, ...figures(s.metrics) })) } },
            `replay report (${r.broker}):\n${r.text}`,
          );
        }
      } catch (e) {
        log.error({ err: e }, 'replay report failed');
      }
    }
  }
  clearInterval(timer);
  await system.stop('shutdown');
  await control?.close();
  releaseLocks();
  log.info('stopped cleanly; state is in LMDB');
  await flushLogger(log);
  return EXIT.ok;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`fatal: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(isAppError(e) && e.category === 'startup' ? exitCodeFor(e.code) : EXIT.internal);
  },
);

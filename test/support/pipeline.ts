// Runs the real pipeline tree (actors/tree.ts) in-process for integration tests, configured through
// the real config loader (env overlay) with a temp data directory.
import { loadConfig, type AppConfig } from '../../src/config.js';
import { projectRoot, type ActorSystem } from '../../src/runtime/system.js';
import { createSystem } from '../../actors/system-factory.js';
import { tempDir } from './system.js';

export interface PipelineHandle {
  readonly system: ActorSystem;
  readonly config: AppConfig;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export function pipelineConfig(dataDir: string, env: Record<string, string> = {}): AppConfig {
  const r = loadConfig({
    argv: [],
    env: {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      API__ENABLED: 'false',
      MARKET_FEED__TICKS_PER_SECOND: '1000',
      MONITORING__HEALTH_CHECK_INTERVAL: '1',
      PORTFOLIO__SNAPSHOT_INTERVAL_MS: '200',
      ...env,
    },
    cwd: projectRoot(),
  });
  if (!r.ok) throw new Error(r.error.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return r.value;
}

export async function startPipeline(
  env: Record<string, string> = {},
  opts: { faultInjection?: boolean; dataDir?: string } = {},
): Promise<PipelineHandle & { cleanup: () => void }> {
  const dir = opts.dataDir === undefined ? tempDir('ap-pipe-') : { path: opts.dataDir, cleanup: () => undefined };
  const config = pipelineConfig(dir.path, env);
  const system = createSystem(config, { faultInjection: opts.faultInjection ?? false });
  await system.start();
  return { system, config, dataDir: dir.path, stop: () => system.stop(), cleanup: dir.cleanup };
}

export function published(system: ActorSystem, topic: string): number {
  return system.ringStats()[topic]?.published ?? 0;
}

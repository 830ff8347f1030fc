// What every benchmark result must carry (measurement rule 1): CPU model, cores, threads per core
// (are the "cores" hyperthread siblings?), hypervisor, kernel, Node version and flags, and the load
// average around the run, because a busy shared box moves every number.
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

/** Machine and runtime description recorded with every result. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly logicalCpus: number;
  readonly threadsPerCore: number | null;
  readonly hypervisor: boolean;
  readonly kernel: string;
  readonly platform: string;
  readonly arch: string;
  readonly node: string;
  readonly v8: string;
  readonly execArgv: readonly string[];
  readonly nodeOptions: string;
  readonly totalMemMiB: number;
  readonly loadAvgAtStart: readonly number[];
  /** Fraction of all CPUs busy (other processes) just before the suite started, if measured. */
  readonly otherLoadBeforeStart?: number | null;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Counts the siblings of cpu0 ("0-1", "0,2" or "0"), i.e. hardware threads per core. */
function threadsPerCore(): number | null {
  const s = read('/sys/devices/system/cpu/cpu0/topology/thread_siblings_list');
  if (s === null) return null;
  let n = 0;
  for (const part of s.trim().split(',')) {
    const [a, b] = part.split('-').map(Number);
    n += b === undefined ? 1 : b - a! + 1;
  }
  return n;
}

/** Collects MachineInfo for this process. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const cpuinfo = read('/proc/cpuinfo') ?? '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus[0]?.model ?? 'unknown';
  return {
    cpuModel: model.trim(),
    logicalCpus: cpus.length,
    threadsPerCore: threadsPerCore(),
    hypervisor: /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo),
    kernel: `${os.type()} ${os.release()}`,
    platform: process.platform,
    arch: process.arch,
    node: process.version,
    v8: process.versions.v8,
    execArgv: process.execArgv,
    nodeOptions: process.env.NODE_OPTIONS ?? '',
    totalMemMiB: Math.round(os.totalmem() / 2 ** 20),
    loadAvgAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Fraction (0–1) of all CPUs busy over `ms`, from /proc/stat; null where unavailable. */
export async function cpuBusyFraction(ms: number): Promise<number | null> {
  const sample = (): [number, number] | null => {
    const line = read('/proc/stat')?.split('\n')[0];
    if (line === undefined || !line.startsWith('cpu ')) return null;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return [v.reduce((a, b) => a + b, 0), idle];
  };
  const a = sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  if (a === null || b === null || b[0] === a[0]) return null;
  return 1 - (b[1] - a[1]) / (b[0] - a[0]);
}

/**
 * Waits until the box is quiet (< `maxBusy` of all CPUs busy over a 2 s window) or `timeoutS`
 * passes; returns the last busy fraction measured. Other processes' load skews every number here.
 */
export async function waitForQuiet(timeoutS: number, maxBusy = 0.1, log: (s: string) => void = () => undefined): Promise<number | null> {
  const t0 = performance.now();
  for (;;) {
    const busy = await cpuBusyFraction(2_000);
    if (busy === null || busy < maxBusy || performance.now() - t0 > timeoutS * 1000) return busy;
    log(`box busy (${(busy * 100).toFixed(0)} % of all CPUs); waiting for it to quiet down`);
  }
}

/** One-line human description of the machine. */
export function describeMachine(m: MachineInfo): string {
  const tpc = m.threadsPerCore === null ? 'threads/core unknown' : `${m.threadsPerCore} thread(s)/core`;
  return `${m.cpuModel}, ${m.logicalCpus} logical CPUs (${tpc})${m.hypervisor ? ', VM' : ''}; ${m.kernel}; Node ${m.node} (V8 ${m.v8})${
    m.execArgv.length > 0 ? `, flags ${m.execArgv.join(' ')}` : ', no flags'
  }${m.nodeOptions !== '' ? `, NODE_OPTIONS=${m.nodeOptions}` : ''}${
    m.otherLoadBeforeStart === undefined || m.otherLoadBeforeStart === null ? '' : `; box ${(m.otherLoadBeforeStart * 100).toFixed(0)} % busy before start`
  }`;
}

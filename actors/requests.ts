// Serves requests from process children (the gateway) in the main thread: supervision status with
// per-worker details, and control-plane calls forwarded to actors over comlink.
//
// History reads (`orders`, `fills`) are refused here: their cost grows with the store, and an actor
// serves a call on its own thread, between ticks. The gateway reads history from LMDB itself
// (src/services/engine/queries.ts), so no client request can make a trading actor miss a heartbeat.
import { appError } from '../src/errors.js';
import { BRIDGE_ACTOR } from '../src/cluster/placement.js';
import { historyBroker, readHistory } from '../src/gateway/history.js';
import { tradingActorName, type Topology } from '../src/protocol/actors.js';
import type { ActorSystem } from '../src/runtime/system.js';
import type { SupervisorStatus } from '../src/runtime/supervisor.js';
import type { ActorStatus } from '../src/runtime/child.js';

const CALL_TIMEOUT_MS = 5000;
/** Actor commands a process child may not call: reads that grow with the history (see header). */
const HISTORY_COMMANDS: ReadonlySet<string> = new Set(['orders', 'fills']);

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}

function leaves(s: SupervisorStatus): ActorStatus[] {
  return s.children.flatMap((c) => (c.kind === 'supervisor' ? leaves(c) : [c]));
}

/** A request for an actor of another cluster node, sent there (src/cluster/control.ts). */
export type RemoteActor = (actor: string) => ((command: string, arg: unknown) => Promise<unknown>) | undefined;

export interface RequestContext {
  readonly runId: string;
  readonly startedAt: number;
  /** Which actor plays each trading role (the history of a broker is in its core's store). */
  readonly topology: Topology;
  /** Requests for actors placed on other cluster nodes. */
  readonly remote?: RemoteActor | undefined;
}

export function processRequestHandler(system: ActorSystem, { runId, startedAt, topology, remote }: RequestContext) {
  return async (_from: string, command: string, arg: unknown): Promise<unknown> => {
    switch (command) {
      case 'history': {
        // Orders, fills, equity: read from the store of the node that runs the broker's trading
        // core (a gateway on a cluster node of its own asks for them here; src/gateway/history.ts)
        const broker = historyBroker(arg);
        const core = broker === undefined ? undefined : tradingActorName(topology, 'engine', broker);
        const there = core === undefined || system.actor(core) !== undefined ? undefined : remote?.(core);
        return there !== undefined ? there('history', arg) : readHistory(system.store, arg);
      }
      case 'status': {
        const tree = system.status();
        const workers: Record<string, unknown> = {};
        await Promise.all(
          leaves(tree).map(async (a) => {
            const proc = system.actor(a.name);
            workers[a.name] = proc === undefined ? null : await withTimeout(proc.workerStatus(), 1000, 'status').catch(() => null);
          }),
        );
        const rings: Record<string, unknown> = {};
        for (const [topic, st] of Object.entries(system.ringStats())) rings[topic] = { ...st, consumerNames: system.consumersOf(topic) };
        // A cluster node: its bridge's connection, consumers and publishers (src/cluster)
        const bridge = system.actor(BRIDGE_ACTOR)?.control();
        const cluster = bridge === undefined ? null : await withTimeout(bridge.snapshot(), 1000, 'cluster status').catch(() => null);
        return { tree, workers, rings, runId, startedAt, cluster };
      }
      case 'actor-call':
      case 'actor-snapshot': {
        const a = arg as { actor?: unknown; command?: unknown; arg?: unknown };
        if (typeof a?.actor !== 'string') throw appError('ERR_ACTOR_UNKNOWN', { actor: String(a?.actor) });
        const proc = system.actor(a.actor);
        if (proc === undefined) {
          // Placed on another node: that node's main thread answers (and applies the same rules)
          const there = remote?.(a.actor);
          if (there !== undefined) return there(command, arg);
          throw appError('ERR_ACTOR_UNKNOWN', { actor: a.actor });
        }
        const control = proc.control();
        if (control === undefined) throw appError('ERR_ACTOR_NOT_RUNNING', { actor: a.actor, state: proc.state });
        if (command === 'actor-snapshot') return withTimeout(control.snapshot(), CALL_TIMEOUT_MS, `${a.actor} snapshot`);
        if (typeof a.command !== 'string') throw new Error('actor-call needs a command');
        if (HISTORY_COMMANDS.has(a.command)) {
          throw appError('ERR_COMMAND_INVALID', { command: a.command, reason: 'history reads are served from LMDB by the gateway, never by a trading actor' });
        }
        return withTimeout(control.call(a.command, a.arg ?? null), CALL_TIMEOUT_MS, `${a.actor}.${a.command}`);
      }
      default:
        throw new Error(`unknown request ${command}`);
    }
  };
}

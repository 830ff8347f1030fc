// The control plane between cluster nodes: a node's main thread answers requests for its actors
// (`actor-call`, `actor-snapshot`: the same requests the gateway process makes of its own node)
// and history reads of its store (`history`: src/gateway/history.ts) on
// `alpha.control.<node>`, NATS request/reply (core NATS, no stream: a control request is answered
// now or fails, like a call to a local actor whose worker is down). A node forwards a request for
// an actor placed elsewhere to that actor's node, so the gateway on one node reaches the strategy
// runner on another. Replies are JSON; an error travels as its message (catalogued codes keep
// their `ERR_…:` prefix, which the gateway maps back).
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { SUBJECT_PREFIX } from './subjects.js';

/** The subject a node's control requests go to. */
export function controlSubject(node: string): string {
  return `${SUBJECT_PREFIX}.control.${node}`;
}

/** Commands one node may ask of another. */
export const REMOTE_COMMANDS: ReadonlySet<string> = new Set(['actor-call', 'actor-snapshot', 'history']);

type Reply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** Answers this node's control requests with `handle` until the subscription is closed. */
export function serveControl(nc: NatsConnection, node: string, handle: (command: string, arg: unknown) => Promise<unknown>): Subscription {
  return nc.subscribe(controlSubject(node), {
    callback: (err, msg) => {
      if (err !== null) return;
      void (async (): Promise<Reply> => {
        try {
          const req = msg.json<{ command?: unknown; arg?: unknown }>();
          if (typeof req.command !== 'string' || !REMOTE_COMMANDS.has(req.command)) return { ok: false, message: `ERR_COMMAND_INVALID: expected one of ${[...REMOTE_COMMANDS].join(', ')}` };
          return { ok: true, value: await handle(req.command, req.arg ?? null) };
        } catch (e) {
          return { ok: false, message: e instanceof Error ? e.message : String(e) };
        }
      })().then((reply) => msg.respond(JSON.stringify(reply)));
    },
  });
}

/** Asks `node` to run a control request; rejects with the remote error's message. */
export async function askNode(nc: NatsConnection, node: string, command: string, arg: unknown, timeoutMs: number): Promise<unknown> {
  let reply: Reply;
  try {
    reply = (await nc.request(controlSubject(node), JSON.stringify({ command, arg }), { timeout: timeoutMs })).json<Reply>();
  } catch (e) {
    throw new Error(`ERR_UPSTREAM_UNAVAILABLE: node ${node} did not answer: ${(e as Error).message}`);
  }
  if (!reply.ok) throw new Error(reply.message);
  return reply.value;
}

// Entry of a process child (ProcessSpec): waits for the boot message, imports the module, serves
// calls, forwards stream batches, and beats over IPC. If the main process goes away (IPC closed)
// the child exits, so an orphaned gateway never keeps a port open.
import { actorLogger, createRootLogger, type LogSettings } from '../log.js';
import type { RootDatabase } from 'lmdb';
import { openStore } from '../store/lmdb.js';
import { Socket } from 'node:net';
import { STREAM_FD, type HostToMain, type MainToHost, type ProcessBoot, type ProcessContext, type ProcessFactory, type ProcessInstance } from './process-protocol.js';
import { FrameReader, type FrameBody } from './stream-wire.js';

if (process.send === undefined) throw new Error('process-host must be started with an IPC channel');

const send = (m: HostToMain): void => {
  if (process.connected) process.send!(m);
};
let instance: ProcessInstance | undefined;
let store: RootDatabase | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
const streamHandlers: ((frame: FrameBody) => void)[] = [];
let beat: NodeJS.Timeout | undefined;
/** The module import begun by `preload`; `boot` awaits it (a failed import surfaces there). */
let preloaded: Promise<{ default?: ProcessFactory }> | undefined;

async function boot(b: ProcessBoot): Promise<void> {
  const log = actorLogger(createRootLogger({ logLevel: b.logLevel as LogSettings['logLevel'], redactKeys: b.redactKeys }), b.name, b.gen);
  beat = setInterval(() => send({ type: 'hb' }), Math.max(10, Math.floor(b.heartbeatMs / 2)));
  if (b.store !== undefined) store = openStore({ path: b.store.path, durability: b.store.durability });
  const ctx: ProcessContext = {
    name: b.name,
    gen: b.gen,
    runId: b.runId,
    config: b.config,
    args: b.args,
    log,
    store,
    request(command, arg) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        send({ type: 'request', id, command, arg });
      });
    },
    onStream(handler) {
      streamHandlers.push(handler);
      if (streamHandlers.length === 1) openStream();
    },
  };
  const mod = await (preloaded ?? (import(b.moduleUrl) as Promise<{ default?: ProcessFactory }>));
  if (typeof mod.default !== 'function') throw new Error(`${b.moduleUrl} has no default process factory`);
  instance = await mod.default(ctx);
}

/**
 * Reads the tap's frames from the socketpair the main process opened at STREAM_FD. A corrupt
 * frame cannot be resynchronised, so its error (the reader's, or the handler's decode) is thrown
 * outside any promise: the child crashes and is restarted with a fresh pair (the gateway closes
 * its sockets on uncaught exceptions).
 */
function openStream(): void {
  const reader = new FrameReader((body) => {
    for (const h of streamHandlers) h(body);
  });
  const sock = new Socket({ fd: STREAM_FD, readable: true, writable: false });
  sock.on('data', (chunk: Buffer) => reader.push(chunk));
  // The main process closing its end means it is going away; 'disconnect' below handles the exit
  sock.on('error', () => undefined);
}

async function stop(reason: string): Promise<void> {
  await instance?.stop?.(reason);
  clearInterval(beat);
  if (store !== undefined) await store.close();
  process.exit(0);
}

process.on('message', (m: MainToHost) => {
  switch (m.type) {
    case 'preload':
      preloaded = import(m.moduleUrl) as Promise<{ default?: ProcessFactory }>;
      preloaded.catch(() => undefined);
      return;
    case 'boot':
      boot(m.boot).then(
        () => send({ type: 'ready' }),
        (e: unknown) => {
          send({ type: 'start-failed', message: e instanceof Error ? e.message : String(e) });
          setTimeout(() => process.exit(1), 50);
        },
      );
      return;
    case 'stop':
      void stop(m.reason);
      return;
    case 'call':
      Promise.resolve()
        .then(() => {
          if (instance?.call === undefined) throw new Error('process accepts no commands');
          return instance.call(m.command, m.arg);
        })
        .then(
          (value) => send({ type: 'reply', id: m.id, ok: true, value }),
          (e: unknown) => send({ type: 'reply', id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
        );
      return;
    case 'reply': {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (p === undefined) return;
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.error));
      return;
    }
  }
});

// The parent is gone: never outlive it.
process.on('disconnect', () => process.exit(0));

// Ctrl-C in a terminal (and a service manager stopping the whole group) signals every process of
// the group, this child included. Dying at once would cut its clients off and leave its files
// behind while the parent stops the tree in order; the parent got the same signal and sends 'stop'
// when this child's turn comes. A signal meant for this child alone still stops it, after a grace.
const SIGNAL_GRACE_MS = 5000;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    setTimeout(() => void stop(sig), SIGNAL_GRACE_MS).unref();
  });
}

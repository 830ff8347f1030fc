// Entry of the gateway process (a ProcessSpec child of the supervision tree, never a worker thread:
// a thread dying with open uWS handles aborts the whole process). Starts the server, feeds it the
// bridge's stream batches, answers `call('address')`, and on any uncaught exception or unhandled
// rejection closes every socket and the listen socket, logs, and exits 1 so the supervisor restarts it.
import type { AppConfig } from '../config.js';
import { commandTable } from '../runtime/actor.js';
import { realClock } from '../runtime/clock.js';
import { defineProcess } from '../runtime/process-protocol.js';
import { GatewayServer } from './server.js';
import { gatewaySettings } from './settings.js';
import { BatchDecoder, perTurn } from './stream-batch.js';

const factory = defineProcess<AppConfig>(async (ctx) => {
  const settings = gatewaySettings(ctx.config, ctx.args);
  const server = new GatewayServer({ settings, request: (c, a) => ctx.request(c, a), store: ctx.store, log: ctx.log, clock: realClock, gen: ctx.gen });

  let dying = false;
  const die = (kind: string, e: unknown): void => {
    if (dying) return;
    dying = true;
    try {
      server.closeAll();
    } finally {
      ctx.log.fatal({ err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e), kind }, 'gateway crashed; sockets closed, exiting for restart');
      process.exit(1);
    }
  };
  process.on('uncaughtException', (e) => die('uncaughtException', e));
  process.on('unhandledRejection', (e) => die('unhandledRejection', e));

  const addr = await server.start();
  const decoder = new BatchDecoder();
  const deliver = perTurn((batch) => server.onBatch(batch));
  ctx.onStream((frame) => deliver(decoder.decode(frame)));
  const source = server.tokens.source;
  const local = addr.unixSocket === null ? '' : ` and on the Unix socket ${addr.unixSocket} (ws+unix://${addr.unixSocket}:/ws)`;
  ctx.log.info(
    {
      url: addr.url,
      ...(addr.unixSocket === null ? {} : { unixSocket: addr.unixSocket }),
      tokens: source.kind === 'config' ? 'config.gateway.tokens' : source.path,
      generated: source.kind === 'file' && source.generated,
    },
    source.kind === 'config'
      ? `gateway listening at ${addr.url}${local}; authenticate with a token from config.gateway.tokens (Authorization: Bearer <token>, or ${addr.url}?token=<token> for the dashboard)`
      : `gateway listening at ${addr.url}${local}; the access token is in ${source.path} (Authorization: Bearer <token>, or ${addr.url}?token=<token> for the dashboard)`,
  );

  return {
    stop(reason: string) {
      ctx.log.info({ reason }, 'gateway stopping');
      server.stop();
    },
    call: commandTable({
      address: () => server.address(),
      info: () => server.info(),
      // Test hooks exist only where the spec enables them
      ...(ctx.args['testHooks'] === true
        ? {
            crash: (arg: unknown) => {
              // Thrown outside any handler: exactly what an unexpected bug looks like
              setImmediate(() => {
                throw new Error(`gateway test crash (${String(arg)})`);
              });
              return 'crashing';
            },
            reject: () => {
              void Promise.reject(new Error('gateway test rejection'));
              return 'rejecting';
            },
          }
        : {}),
    }),
  };
});

export default factory;

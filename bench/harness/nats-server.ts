// A real nats-server with JetStream for the cluster tests and the cluster bench: on a free
// 127.0.0.1 port, its store in a temp dir, restartable on the same port and store (a server restart
// mid-run). Never skips: the binary is found the way `npm test`'s pre-step installs it
// (.ci/test-deps.mjs, imported at run time from the project root: this file also runs from dist/).
import { spawn, type ChildProcess } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../src/runtime/system.js';
import { freePort } from './net.js';

interface Located {
  readonly path?: string;
  readonly override?: string;
}
interface TestDeps {
  readonly REQUIREMENTS: readonly { readonly name: string }[];
  locate(req: unknown): Located;
}

async function natsServerBinary(): Promise<string> {
  const deps = (await import(pathToFileURL(join(projectRoot(), '.ci/test-deps.mjs')).href)) as TestDeps;
  const req = deps.REQUIREMENTS.find((r) => r.name === 'nats-server');
  const where = req === undefined ? {} : deps.locate(req);
  if (where.path === undefined) throw new Error('nats-server not found: run `node .ci/test-deps.mjs` (installs the Debian package as root) or set NATS_SERVER_PATH');
  return where.path;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = tcpConnect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

export class NatsServer {
  private child: ChildProcess | undefined;
  log = '';

  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(storeDir: string): Promise<NatsServer> {
    const s = new NatsServer(await freePort(), storeDir, await natsServerBinary());
    await s.launch();
    return s;
  }

  private async launch(): Promise<void> {
    const child = spawn(this.bin, ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.log += d));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.log += d));
    this.child = child;
    const until = Date.now() + 15_000;
    while (!(await accepting(this.port))) {
      if (child.exitCode !== null) throw new Error(`nats-server exited at start (${child.exitCode}):\n${this.log}`);
      if (Date.now() > until) throw new Error(`nats-server did not listen on ${this.port}:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the server (its store stays). */
  async stop(): Promise<void> {
    const c = this.child;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }

  /** Stops it and starts it again on the same port and store. */
  async restart(downMs = 0): Promise<void> {
    await this.stop();
    await new Promise((r) => setTimeout(r, downMs));
    await this.launch();
  }
}

// Instrument registry actor (docs/original-system.md §1.2, §11): loads the instruments file into LMDB
// ONCE (seed fix 1: only when no meta record exists), in one transaction with its meta, then serves
// lookups from an in-memory index built from LMDB. Unknown references are values, not throws.
import { readFileSync } from 'node:fs';
import type { AppConfig } from '../src/config.js';
import { commandTable, defineActor } from '../src/runtime/actor.js';
import { createInstrumentIndex, parseInstrumentsCsv, type Instrument, type InstrumentIndex } from '../src/domain/instruments/index.js';
import {
  decodeLookupArg,
  decodeRegistryMeta,
  decodeSearchArg,
  type LookupResult,
  type RegistryMeta,
  type RegistryStats,
} from '../src/protocol/instrument-registry.js';
import { registryWrites } from '../src/services/instrument-registry/records.js';
import { K } from '../src/store/keyspace.js';
import { appError } from '../src/errors.js';

/** Line numbers of invalid rows named in the load summary. */
const LOGGED_LINES = 20;

export default defineActor<AppConfig>((ctx) => {
  const config = ctx.config;
  const db = ctx.store;
  if (db === undefined) throw appError('ERR_STORE_UNAVAILABLE', { path: '(none)', reason: 'instrument-registry needs the store' });
  let meta: RegistryMeta | undefined;
  let index: InstrumentIndex = createInstrumentIndex([]);

  async function loadFile(): Promise<RegistryMeta> {
    const source = config.feed.instrumentsFile;
    const text = readFileSync(source, 'utf8');
    const parsed = parseInstrumentsCsv(text);
    // Each row is counted (the first is logged with its reason); one summary names the first lines
    for (const e of parsed.errors) ctx.countError(e.code, { source, line: e.line, reason: e.reason });
    if (parsed.errors.length > 0) {
      const lines = parsed.errors.slice(0, LOGGED_LINES).map((e) => e.line);
      ctx.log.warn({ source, invalidRows: parsed.errors.length, lines }, 'invalid instruments rows skipped');
    }
    const { puts, meta: fresh } = registryWrites(parsed, source, ctx.clock.nowMs());
    try {
      await db!.transaction(() => {
        for (const p of puts) void db!.put(p.key, p.value);
      });
      if (ctx.durability === 'strict') await db!.flushed;
    } catch (e) {
      throw appError('ERR_STORE_WRITE', { reason: (e as Error).message }, e);
    }
    ctx.log.info({ source, count: fresh.count, invalidRows: fresh.invalidRows }, 'instruments loaded into the store');
    return fresh;
  }

  function buildIndex(m: RegistryMeta): InstrumentIndex {
    const list: Instrument[] = [];
    for (const token of m.tokens) {
      const inst = db!.get(K.instrument(token)) as Instrument | undefined;
      if (inst !== undefined) list.push(inst);
    }
    if (list.length !== m.count) ctx.log.warn({ expected: m.count, found: list.length }, 'instrument records missing from the store');
    return createInstrumentIndex(list);
  }

  function stats(): RegistryStats {
    return { ...index.statistics(), loadedAt: meta?.loadedAt ?? 0, source: meta?.source ?? '', invalidRows: meta?.invalidRows ?? 0 };
  }

  return {
    async start() {
      const stored = decodeRegistryMeta(db.get(K.instrumentMeta()));
      if (stored !== undefined) {
        ctx.log.info({ count: stored.count, loadedAt: stored.loadedAt }, 'instruments already in the store; not reloading');
      } else if (db.get(K.instrumentMeta()) !== undefined) {
        ctx.log.warn('instrument meta has another schema version; reloading the instruments file');
      }
      meta = stored ?? (await loadFile());
      index = buildIndex(meta);
    },
    snapshot: () => stats(),
    health: () => (index.all.length > 0 ? { status: 'healthy' } : { status: 'degraded', detail: 'no instruments loaded' }),
    call: commandTable({
      lookup: (arg): LookupResult => {
        const ref = decodeLookupArg(arg);
        return ref.ok ? index.resolve(ref.value) : ref;
      },
      search: (arg) => {
        const { q, limit } = decodeSearchArg(arg);
        return index.search(q, limit);
      },
      list: () => index.all,
      stats: () => stats(),
    }),
  };
});

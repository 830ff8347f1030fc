// What the instrument registry writes for one load: every instrument by token, the exchange-qualified
// symbol index and the meta record, as a list the actor puts in ONE LMDB transaction. No worker APIs.
import type { InstrumentsParseResult } from '../../domain/instruments/index.js';
import { REGISTRY_META_VERSION, type RegistryMeta } from '../../protocol/instrument-registry.js';
import { K, type Key } from '../../store/keyspace.js';

/** One put of the load transaction. */
export interface RegistryPut {
  readonly key: Key;
  readonly value: unknown;
}

/** The puts of a load (meta last) and the meta itself. */
export function registryWrites(parsed: InstrumentsParseResult, source: string, nowMs: number): { puts: RegistryPut[]; meta: RegistryMeta } {
  const puts: RegistryPut[] = [];
  for (const inst of parsed.instruments) {
    puts.push({ key: K.instrument(inst.token), value: inst });
    puts.push({ key: K.instrumentSymbol(`${inst.exchange}:${inst.tradingsymbol}`), value: inst.token });
  }
  const meta: RegistryMeta = {
    v: REGISTRY_META_VERSION,
    loadedAt: nowMs,
    source,
    count: parsed.instruments.length,
    invalidRows: parsed.errors.length,
    hasHeader: parsed.hasHeader,
    tokens: parsed.instruments.map((i) => i.token),
  };
  puts.push({ key: K.instrumentMeta(), value: meta });
  return { puts, meta };
}

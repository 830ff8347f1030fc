// The message id of each record a bridge sends (JetStream's Nats-Msg-Id): the one place that
// decides which records keep their id across a crash, so that a node re-sending them is stored
// once within the dedupe window. PURE.
//   - a tick with a feed position: `<lineage>.<feedSeq>` (a replayed file's or the live journal's
//     positions survive restarts; the lineage names the file or journal);
//   - a record of the runner's ring: a signal's ordinal `sig.<seq>`, a cut's number `cut.<n>`
//     (regenerated with the same values by a restarted runner); it also names a tick (tick-refs.ts);
//   - a fill event: `fill.<fillSeq>` (fill-export.ts rebuilds missing ones with the same id);
//   - anything else: `<run>.<ring seq>`, unique within the run (re-read only by a restarted
//     bridge of the same run, from the same ring seq).
import { feedSeqOfRecord } from '../protocol/tick-record.js';
import { fillMsgId, fillSeqOfEvent } from './fill-export.js';
import { tickRefOf } from './tick-refs.js';

/** How a topic's records are identified. */
export type RecordKind = 'ticks' | 'names-ticks' | 'fills' | 'events';

export interface RecordIdentity {
  readonly msgID: string;
  /** The tick ring seq a record of the runner's ring names (undefined: none). */
  readonly tickRef?: number;
}

const decoder = new TextDecoder();

/** The id of the record at ring seq `ring` (its payload `bytes`) of a topic of `kind`. */
export function identify(kind: RecordKind, bytes: Uint8Array, ring: number, runId: string, lineage: string): RecordIdentity {
  const byRun = `${runId}.${ring}`;
  switch (kind) {
    case 'ticks': {
      const feedSeq = feedSeqOfRecord(bytes);
      return { msgID: feedSeq >= 0 ? `${lineage}.${feedSeq}` : byRun };
    }
    case 'names-ticks': {
      const env = JSON.parse(decoder.decode(bytes)) as { type?: string; seq?: number; data?: { n?: number } };
      const tickRef = tickRefOf(env);
      const msgID = env.type === 'trading_signal' && typeof env.seq === 'number' ? `sig.${env.seq}` : env.type === 'cut' && typeof env.data?.n === 'number' ? `cut.${env.data.n}` : byRun;
      return tickRef === undefined ? { msgID } : { msgID, tickRef };
    }
    case 'fills': {
      const fillSeq = fillSeqOfEvent(JSON.parse(decoder.decode(bytes)));
      return { msgID: fillSeq === undefined ? byRun : fillMsgId(fillSeq) };
    }
    case 'events':
      return { msgID: byRun };
  }
}

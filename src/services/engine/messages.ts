// Envelopes of the engine's order events. Events caused by a validated signal are its children;
// events caused later (ticks, session end, cancels) start a new event but keep the correlation and
// trace of the signal that created the order, with causation pointing at that signal.
import type { Broker } from '../../domain/types.js';
import { childEvent, rootEvent, type Envelope, type IdSource } from '../../protocol/envelope.js';
import type { EventOrigin } from '../../protocol/engine.js';
import type { Outgoing } from './plan.js';

/** An event linked to the signal that created its order, though not caused by a message now. */
export function originEvent<T>(origin: EventOrigin, ids: IdSource, source: string, ts: number, spec: Pick<Envelope<T>, 'type' | 'broker' | 'key' | 'data'>): Envelope<T> {
  return childEvent({ id: origin.eventId, correlationId: origin.correlationId, traceId: origin.traceId }, ids, source, ts, spec);
}

/** The envelope of one outgoing message; `parent` is the signal envelope of its work item, if any. */
export function envelopeFor(msg: Outgoing, parent: Envelope | null, broker: Broker, ids: IdSource, source: string, ts: number): Envelope {
  const spec = { type: msg.type, broker, key: msg.key, data: msg.data as unknown };
  if (parent !== null) return childEvent(parent, ids, source, ts, spec);
  if (msg.origin !== null) return originEvent(msg.origin, ids, source, ts, spec);
  return rootEvent(ids, source, ts, spec);
}

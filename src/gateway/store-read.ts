// The gateway's door to LMDB. Every request reads the newest committed state: lmdb-js keeps one
// read snapshot per event-loop turn (reset by a setTimeout(0)), so a request that arrives within
// that millisecond would otherwise read the snapshot of the request before it and miss what the
// trading actors committed in between (a kill switch engaged, say). Resetting costs one native call.
import type { RootDatabase } from 'lmdb';
import { appError } from '../errors.js';

/** The store with a fresh read snapshot, or 503 ERR_UPSTREAM_UNAVAILABLE when the gateway runs without one. */
export function freshStore(store: RootDatabase | undefined): RootDatabase {
  if (store === undefined) throw appError('ERR_UPSTREAM_UNAVAILABLE', { target: 'store', reason: 'the gateway was started without LMDB' });
  store.resetReadTxn();
  return store;
}

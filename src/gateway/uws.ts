// Loads uWebSockets.js and proves the NATIVE binary is in use: the package silently falls back to a
// slow ws-based implementation when its binary does not load, and that fallback lacks the native-only
// exports checked here (H3App, getParts). Start-up fails with ERR_GATEWAY_NATIVE_MISSING instead.
import uWS from '@trufflesuite/uws-js-unofficial';
import { appError } from '../errors.js';

/** The uWS module namespace. */
export type Uws = typeof uWS;

/** Listen option refusing a port another socket holds (native value 1; missing from the typings). */
export function exclusivePortOption(mod: Uws): number {
  const v = (mod as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT?: unknown }).LIBUS_LISTEN_EXCLUSIVE_PORT;
  return typeof v === 'number' ? v : 1;
}

/** Returns the native uWS module or throws ERR_GATEWAY_NATIVE_MISSING. */
export function loadNativeUws(): Uws {
  const mod = uWS as unknown as Record<string, unknown>;
  if (process.env['UWS_USE_FALLBACK'] !== undefined && /^(true|1)$/i.test(process.env['UWS_USE_FALLBACK'])) {
    throw appError('ERR_GATEWAY_NATIVE_MISSING', { reason: 'UWS_USE_FALLBACK is set' });
  }
  for (const name of ['App', 'H3App', 'getParts', 'us_listen_socket_close', 'us_socket_local_port']) {
    if (typeof mod[name] !== 'function') {
      throw appError('ERR_GATEWAY_NATIVE_MISSING', { reason: `export ${name} is missing (Node ABI ${process.versions.modules}, ${process.platform}-${process.arch})` });
    }
  }
  return uWS;
}

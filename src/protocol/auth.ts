// Control-plane payloads of the auth actor (`call('status')`). Tokens never appear here.
import type { BrokerAuthView } from '../domain/auth/status.js';

/** Result of `call('status')` and of `snapshot()`. */
export interface AuthStatusReport {
  /** One entry per configured broker. */
  readonly brokers: Readonly<Record<string, BrokerAuthView>>;
  /** True when every configured broker is ready. */
  readonly allReady: boolean;
}

/** Commands the auth actor accepts. */
export const AUTH_COMMANDS = ['status'] as const;
export type AuthCommand = (typeof AUTH_COMMANDS)[number];

// Client SDK of the Alpha Panda gateway stream: browser-safe (no Node APIs in here).
export { StreamClient, type ClientTick, type StreamClientOptions, type StreamEvents, type SubscribeOptions, type WebSocketCtor, type WebSocketLike } from './stream-client.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { decodeTickFrame, FRAME_HEADER_BYTES, FRAME_MAGIC, FRAME_RECORD_BYTES, FRAME_VERSION, type FrameTick } from './tick-frame.js';

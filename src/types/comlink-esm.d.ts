// comlink ships ESM builds without .d.mts files; these declarations point the ESM entry points at
// the package's own type definitions.
declare module 'comlink/dist/esm/comlink.mjs' {
  export * from 'comlink';
}
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  // Any Node MessagePort-like object (Worker, parentPort, MessagePort).
  export default function nodeEndpoint(nep: object): Endpoint;
}

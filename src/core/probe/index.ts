// The probe engine's public surface (pure Node: usable from the CLI and the extension).
export { probe, DEFAULT_TIMEOUTS, DEFAULT_EHLO_NAME } from './probe';
export { parseTarget, SCHEMES } from './target';
export { ConnectionLimiter } from './limiter';
export * from './types';

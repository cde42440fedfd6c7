export * from './clickstream.ts';
export * from './columns.ts';
export * from './envelope.ts';
export * from './limits.ts';
export * from './registry.ts';
export * from './telemetry.ts';
export * from './time.ts';
export * from './validate.ts';

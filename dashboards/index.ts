export * from './alarms.ts';
export * from './devices.ts';
export * from './edge.ts';
export * from './metrics.ts';
export * from './ops-dashboard.ts';
export * from './resources.ts';
export * from './series.ts';
export * from './widgets.ts';

export * from './config';
export * from './logger';
export * from './telemetry';
export * from './shutdown';
export * from './ops-server';
export * from './worker';
export * from './main';

export * from './client';
export * from './topics';
export * from './cloud-event';
export * from './producer';
export * from './consumer';
export * from './chunk-merger';

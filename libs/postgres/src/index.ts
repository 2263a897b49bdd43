export * from './pool';
export * from './migrate';
export * from './outbox';
export * from './outbox-relay';
export * from './notified-loop';
export * from './table-maintenance';

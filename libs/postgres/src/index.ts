export * from './pool';
export * from './migrate';
export * from './inbox';
export * from './outbox';
export * from './outbox-relay';
export * from './notified-loop';

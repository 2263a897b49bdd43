export * from './normalise';
export * from './features';
export * from './training-set';
export * from './classifier';
export * from './metrics';
export * from './template';
export * from './model';
export * from './suggestions';

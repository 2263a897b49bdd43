export * from './conditions';
export * from './audience';
export * from './causes';
export * from './hierarchy';
export * from './membership';
export * from './overrides';
export * from './ordering';
export * from './oracle';

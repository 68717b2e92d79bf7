export * from './catalog-ingest';
export * from './catalog-lifecycle';
export * from './catalog-schema';
export * from './listing-parser';
export * from './path-pattern';

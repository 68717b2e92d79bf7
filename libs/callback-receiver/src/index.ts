export * from './callback-receiver.module';
export * from './callback-receiver.service';
export * from './job-event.writer';
export * from './output-retention';
export * from './search.indexer';

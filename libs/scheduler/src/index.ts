export * from './scheduler.module';
export * from './scheduler.service';

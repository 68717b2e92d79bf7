export * from './run-service';
export * from './run-process';

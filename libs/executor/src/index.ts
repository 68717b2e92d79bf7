export * from './executor.module';
export * from './executor.service';
export * from './job-runner';
export * from './output.publisher';

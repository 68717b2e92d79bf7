export * from './job-launcher.service';
export * from './job-log';
export * from './job-output.index';

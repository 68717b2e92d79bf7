export * from './job-launcher.service';
export * from './job-log';

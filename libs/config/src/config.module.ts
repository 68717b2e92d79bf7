import { Global, Module } from '@nestjs/common';

import { AppConfig, loadConfig } from './app-config';

/** Injection token of the typed configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Provides the configuration read at boot. `main.ts` of every service calls
 * `loadConfig()` before Nest starts so that a bad variable ends the process
 * with one line, and hands the result to `ConfigModule.forRoot`.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig = loadConfig()) {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}

import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { APP_CONFIG, AppConfig } from '@cyborg/config';
import type { UserEntity } from '@cyborg/database';

import { CurrentUser, Public } from '../auth/auth.decorators';
import { serializeUser } from '../users/user.serializer';

export const API_VERSION = '1.0';

const COLLECTIONS = [
  'users',
  'clients',
  'schedules',
  'repositories',
  'policies',
  'jobs',
  'job_events',
  'settings',
  'tokens',
  'catalogs',
  'escatalogs',
  'archives',
];

@ApiTags('root')
@Controller('api')
export class RootController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Public()
  @Get()
  root() {
    return {
      description: 'CyBorgBackup REST API',
      current_version: '/api/v1/',
      available_versions: { v1: '/api/v1/' },
    };
  }

  @Get('v1')
  index() {
    const index: Record<string, string> = {
      ping: '/api/v1/ping/',
      config: '/api/v1/config/',
      me: '/api/v1/me/',
    };
    for (const name of COLLECTIONS) index[name] = `/api/v1/${name}/`;

    return index;
  }

  @Public()
  @Get('v1/ping')
  ping() {
    return { version: API_VERSION, ping: 'pong' };
  }

  @Get('v1/config')
  configuration() {
    return {
      version: API_VERSION,
      time_zone: this.config.timeZone,
      debug: this.config.debug,
      allowed_hosts: this.config.allowedHosts,
    };
  }

  @Get('v1/me')
  me(@CurrentUser() user: UserEntity) {
    return { count: 1, next: null, previous: null, results: [serializeUser(user)] };
  }
}

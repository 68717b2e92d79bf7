import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';

import { JobLauncher } from '@cyborg/jobs';

import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { LoginThrottleService } from './auth/login-throttle.service';
import { PasswordService } from './auth/password.service';
import { TokenService } from './auth/token.service';
import { ArchivesController } from './catalog/archives.controller';
import { ArchivesService } from './catalog/archives.service';
import { CatalogImportController } from './catalog/catalog-import.controller';
import { CatalogImportService } from './catalog/catalog-import.service';
import { CatalogService } from './catalog/catalog.service';
import { CatalogsController, EsCatalogsController } from './catalog/catalogs.controller';
import { ClientsController } from './clients/clients.controller';
import { ClientsService } from './clients/clients.service';
import { SecretsService } from './common/secrets.service';
import { JobEventsController } from './jobs/job-events.controller';
import { JobEventsService } from './jobs/job-events.service';
import { LogSearchService } from './jobs/log-search.service';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { PolicyLaunchController } from './jobs/policy-launch.controller';
import { NextRunService } from './policies/next-run.service';
import { ModulesController } from './policies/modules.controller';
import { PoliciesController } from './policies/policies.controller';
import { PoliciesService } from './policies/policies.service';
import { RepositoriesController } from './repositories/repositories.controller';
import { RepositoriesService } from './repositories/repositories.service';
import { RootController } from './root/root.controller';
import { SchedulesController } from './schedules/schedules.controller';
import { SchedulesService } from './schedules/schedules.service';
import { SettingsController } from './settings/settings.controller';
import { SettingsService } from './settings/settings.service';
import { TokensController } from './tokens/tokens.controller';
import { KnownHostsController } from './known-hosts/known-hosts.controller';
import { RestoreController } from './restore/restore.controller';
import { JobOutputListener } from './live/job-output.listener';
import { JobStatusListener } from './live/job-status.listener';
import { LiveGateway } from './live/live.gateway';
import { AdminSeeder } from './users/admin.seeder';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

/** REST API v1: the HTTP face of the system, served by the API gateway. */
@Module({
  imports: [JwtModule.register({})],
  controllers: [
    RootController,
    AuthController,
    TokensController,
    UsersController,
    ClientsController,
    SchedulesController,
    RepositoriesController,
    // Before PoliciesController, whose `:id` routes would take `vmmodule` and `module`.
    ModulesController,
    PoliciesController,
    PolicyLaunchController,
    JobsController,
    JobEventsController,
    SettingsController,
    KnownHostsController,
    RestoreController,
    CatalogsController,
    EsCatalogsController,
    ArchivesController,
    CatalogImportController,
  ],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    JobStatusListener,
    JobOutputListener,
    LiveGateway,
    LogSearchService,
    AuthService,
    TokenService,
    PasswordService,
    LoginThrottleService,
    SecretsService,
    AdminSeeder,
    UsersService,
    ClientsService,
    SchedulesService,
    RepositoriesService,
    PoliciesService,
    NextRunService,
    SettingsService,
    JobLauncher,
    JobsService,
    JobEventsService,
    ArchivesService,
    CatalogService,
    CatalogImportService,
  ],
})
export class ApiModule {}

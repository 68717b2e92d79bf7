import { Module } from '@nestjs/common';

/**
 * Turns due policies into jobs, once each, on their cron schedules.
 *
 * Not built yet: the job pipeline (RabbitMQ topology, scheduler, task manager,
 * executor, output and e-mail) comes after the foundation. Until then this
 * module holds the service's place, so each process already starts, migrates
 * the database and runs in its own process or in the all-in-one process.
 */
@Module({})
export class SchedulerModule {}

import { Module } from '@nestjs/common';

/**
 * E-mails people about the backups they asked to hear about.
 *
 * Not built yet: the job pipeline (RabbitMQ topology, scheduler, task manager,
 * executor, output and e-mail) comes after the foundation. Until then this
 * module holds the service's place, so each process already starts, migrates
 * the database and runs in its own process or in the all-in-one process.
 */
@Module({})
export class NotifierModule {}

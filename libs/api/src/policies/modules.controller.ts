import {
  BadGatewayException,
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';

import { APP_CONFIG, type AppConfig } from '@cyborg/config';
import { hasControlCharacters, isHostnameOrIp, isPlainObject } from '@cyborg/domain';
import {
  ClientProbe,
  JobFailure,
  PROBE_MODULES,
  type ProbeOptions,
  UnknownClientError,
  VM_PROVIDERS,
} from '@cyborg/executor';

import { SuperuserOnly } from '../auth/auth.decorators';
import { IdPipe } from '../common/id.pipe';

function probeOptions(body: unknown): ProbeOptions {
  if (body === undefined || body === null) return {};
  if (!isPlainObject(body))
    throw new BadRequestException({ non_field_errors: ['Expected a JSON object.'] });
  const errors: Record<string, string[]> = {};
  const options: ProbeOptions = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'port') {
      if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535)
        options.port = value;
      else errors.port = ['Must be an integer from 1 to 65535.'];
    } else if (key === 'user' || key === 'password' || key === 'host') {
      if (typeof value !== 'string' || value.length > 1024 || hasControlCharacters(value)) {
        errors[key] = ['Must be a string without control characters.'];
      } else if (key === 'host' && !isHostnameOrIp(value)) {
        errors.host = ['Must be a host name or an IP address.'];
      } else if (key === 'user' && value.startsWith('-')) {
        errors.user = ['Must not start with "-".'];
      } else {
        options[key] = value;
      }
    } else {
      errors[key] = ['Unknown field.'];
    }
  }
  if (Object.keys(errors).length > 0) throw new BadRequestException(errors);

  return options;
}

/**
 * Live questions to clients, for filling in policies: which databases a
 * client's MySQL/MariaDB or PostgreSQL has, which machines its hypervisor
 * runs; and which VM providers this system knows. Superusers only: answering
 * means logging into the client with the system key.
 */
@ApiTags('policies')
@Controller('api/v1/policies')
export class ModulesController {
  private readonly probe: ClientProbe;

  constructor(dataSource: DataSource, @Inject(APP_CONFIG) config: AppConfig) {
    this.probe = new ClientProbe(dataSource, config.secretKey);
  }

  @Get('vmmodule')
  vmModules() {
    const results = VM_PROVIDERS.map((p) => ({
      name: p.name,
      type: p.policyType,
      description: p.description,
    }));

    return { count: results.length, next: null, previous: null, results };
  }

  @Get('module/:module/:client')
  @SuperuserOnly()
  async list(@Param('module') module: string, @Param('client', IdPipe) client: number) {
    return this.ask(module, client, {});
  }

  @Post('module/:module/:client')
  @HttpCode(200)
  @SuperuserOnly()
  async listWith(
    @Param('module') module: string,
    @Param('client', IdPipe) client: number,
    @Body() body: unknown,
  ) {
    return this.ask(module, client, probeOptions(body));
  }

  private async ask(module: string, client: number, options: ProbeOptions) {
    if (!(PROBE_MODULES as readonly string[]).includes(module)) {
      throw new BadRequestException({ module: [`Must be one of: ${PROBE_MODULES.join(', ')}.`] });
    }
    try {
      const results = await this.probe.list(module, client, options);

      return { module, client, results };
    } catch (error) {
      if (error instanceof UnknownClientError) throw new NotFoundException('Not found.');
      if (error instanceof JobFailure) throw new BadGatewayException(error.message);
      throw error;
    }
  }
}

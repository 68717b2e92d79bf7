import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { CrudController } from '../common/crud.controller';
import { ClientsService } from './clients.service';
import { CreateClientDto, UpdateClientDto } from './client.dto';
import { serializeClient } from './client.serializer';

@ApiTags('clients')
@Controller('api/v1/clients')
export class ClientsController extends CrudController({
  service: ClientsService,
  createDto: CreateClientDto,
  updateDto: UpdateClientDto,
  serialize: serializeClient,
}) {}

import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { CrudController } from '../common/crud.controller';
import { RepositoriesService } from './repositories.service';
import { CreateRepositoryDto, UpdateRepositoryDto } from './repository.dto';
import { serializeRepository } from './repository.serializer';

@ApiTags('repositories')
@Controller('api/v1/repositories')
export class RepositoriesController extends CrudController({
  service: RepositoriesService,
  createDto: CreateRepositoryDto,
  updateDto: UpdateRepositoryDto,
  serialize: serializeRepository,
}) {}

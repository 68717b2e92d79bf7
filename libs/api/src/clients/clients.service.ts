import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { ClientEntity, UserEntity } from '@cyborg/database';

import { ListSpec } from '../common/list-query';
import { definedOnly } from '../common/object.util';
import { ResourceService } from '../common/resource.service';
import { AUDIT_RELATIONS } from '../common/serialize.util';
import { CreateClientDto, UpdateClientDto } from './client.dto';

@Injectable()
export class ClientsService extends ResourceService<ClientEntity> {
  protected readonly relations = [...AUDIT_RELATIONS, 'policies'];
  protected readonly listSpec: ListSpec = {
    alias: 'client',
    fields: {
      id: { path: 'client.id', type: 'number' },
      hostname: { path: 'client.hostname', type: 'string' },
      ip: { path: 'client.ip', type: 'string' },
      version: { path: 'client.version', type: 'string' },
      port: { path: 'client.port', type: 'number' },
      ready: { path: 'client.ready', type: 'boolean' },
      hypervisor_ready: { path: 'client.hypervisorReady', type: 'boolean' },
      hypervisor_name: { path: 'client.hypervisorName', type: 'string' },
      bandwidth_limit: { path: 'client.bandwidthLimit', type: 'number' },
      enabled: { path: 'client.enabled', type: 'boolean' },
      uuid: { path: 'client.uuid', type: 'string' },
      created: { path: 'client.created', type: 'date' },
      modified: { path: 'client.modified', type: 'date' },
      policies__id: {
        path: 'pc.policy_id',
        type: 'number',
        many: {
          from: 'policy_clients pc',
          link: 'pc.client_id = client.id',
          column: 'pc.policy_id',
        },
      },
      policies__name: {
        path: 'p.name',
        type: 'string',
        many: {
          from: 'policy_clients pc JOIN policies p ON p.id = pc.policy_id',
          link: 'pc.client_id = client.id',
          column: 'p.name',
        },
      },
    },
    search: ['hostname', 'ip'],
  };

  constructor(@InjectRepository(ClientEntity) clients: Repository<ClientEntity>) {
    super(clients);
  }

  async create(actor: UserEntity, body: CreateClientDto): Promise<ClientEntity> {
    await this.assertHostnameFree(body.hostname);
    const saved = await this.repository.save(
      this.repository.create({ ...this.toEntity(body), createdBy: actor, modifiedBy: actor }),
    );

    return this.get(saved.id);
  }

  async update(actor: UserEntity, id: number, body: UpdateClientDto): Promise<ClientEntity> {
    const client = await this.get(id);
    if (body.hostname !== undefined && body.hostname.toLowerCase() !== client.hostname) {
      await this.assertHostnameFree(body.hostname);
    }
    await this.repository.save({ ...client, ...this.toEntity(body), modifiedBy: actor });

    return this.get(id);
  }

  private async assertHostnameFree(hostname: string): Promise<void> {
    if (await this.repository.existsBy({ hostname: hostname.toLowerCase() })) {
      throw new BadRequestException({ hostname: ['A client with this hostname already exists.'] });
    }
  }

  private toEntity(body: UpdateClientDto): Partial<ClientEntity> {
    return definedOnly<Partial<ClientEntity>>({
      hostname: body.hostname?.toLowerCase(),
      ip: body.ip,
      version: body.version,
      port: body.port,
      ready: body.ready,
      hypervisorReady: body.hypervisor_ready,
      hypervisorName: body.hypervisor_name,
      bandwidthLimit: body.bandwidth_limit,
      enabled: body.enabled,
    });
  }
}

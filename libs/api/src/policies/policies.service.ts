import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';

import {
  ClientEntity,
  PolicyEntity,
  RepositoryEntity,
  ScheduleEntity,
  UserEntity,
} from '@cyborg/database';
import {
  ENCRYPTED_PLACEHOLDER,
  EXTRA_VARS_SECRET_KEYS,
  unmaskExtraVars,
  validateExtraVars,
} from '@cyborg/domain';

import { ListSpec } from '../common/list-query';
import { definedOnly } from '../common/object.util';
import { ResourceService } from '../common/resource.service';
import { SecretsService } from '../common/secrets.service';
import { AUDIT_RELATIONS } from '../common/serialize.util';
import { NextRunService } from './next-run.service';
import { CreatePolicyDto, UpdatePolicyDto } from './policy.dto';

function missing(field: string, id: number): BadRequestException {
  return new BadRequestException({ [field]: [`Invalid pk "${id}" - object does not exist.`] });
}

@Injectable()
export class PoliciesService extends ResourceService<PolicyEntity> {
  protected readonly relations = [...AUDIT_RELATIONS, 'clients', 'repository', 'schedule'];
  protected readonly listSpec: ListSpec = {
    alias: 'policy',
    joins: { repository: 'policy.repository', schedule: 'policy.schedule' },
    fields: {
      id: { path: 'policy.id', type: 'number' },
      name: { path: 'policy.name', type: 'string' },
      policy_type: { path: 'policy.policyType', type: 'string' },
      keep_hourly: { path: 'policy.keepHourly', type: 'number' },
      keep_daily: { path: 'policy.keepDaily', type: 'number' },
      keep_weekly: { path: 'policy.keepWeekly', type: 'number' },
      keep_monthly: { path: 'policy.keepMonthly', type: 'number' },
      keep_yearly: { path: 'policy.keepYearly', type: 'number' },
      vmprovider: { path: 'policy.vmprovider', type: 'string' },
      mode_pull: { path: 'policy.modePull', type: 'boolean' },
      next_run: { path: 'policy.nextRun', type: 'date' },
      enabled: { path: 'policy.enabled', type: 'boolean' },
      uuid: { path: 'policy.uuid', type: 'string' },
      created: { path: 'policy.created', type: 'date' },
      modified: { path: 'policy.modified', type: 'date' },
      repository: { path: 'repository.id', type: 'number', join: 'repository' },
      repository__name: { path: 'repository.name', type: 'string', join: 'repository' },
      repository__path: { path: 'repository.path', type: 'string', join: 'repository' },
      schedule: { path: 'schedule.id', type: 'number', join: 'schedule' },
      schedule__name: { path: 'schedule.name', type: 'string', join: 'schedule' },
      schedule__crontab: { path: 'schedule.crontab', type: 'string', join: 'schedule' },
      clients: {
        path: 'pc.client_id',
        type: 'number',
        many: {
          from: 'policy_clients pc',
          link: 'pc.policy_id = policy.id',
          column: 'pc.client_id',
        },
      },
      clients__hostname: {
        path: 'c.hostname',
        type: 'string',
        many: {
          from: 'policy_clients pc JOIN clients c ON c.id = pc.client_id',
          link: 'pc.policy_id = policy.id',
          column: 'c.hostname',
        },
      },
    },
    search: ['name', 'policy_type'],
  };

  constructor(
    @InjectRepository(PolicyEntity) policies: Repository<PolicyEntity>,
    @InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>,
    @InjectRepository(RepositoryEntity) private readonly repositories: Repository<RepositoryEntity>,
    @InjectRepository(ScheduleEntity) private readonly schedules: Repository<ScheduleEntity>,
    private readonly secrets: SecretsService,
    private readonly nextRuns: NextRunService,
  ) {
    super(policies);
  }

  async create(actor: UserEntity, body: CreatePolicyDto): Promise<PolicyEntity> {
    const policy = this.repository.create({
      createdBy: actor,
      clients: [],
      extraVars: {},
      enabled: true,
    });

    return this.save(actor, policy, body);
  }

  async update(actor: UserEntity, id: number, body: UpdatePolicyDto): Promise<PolicyEntity> {
    return this.save(actor, await this.get(id), body);
  }

  private async save(
    actor: UserEntity,
    policy: PolicyEntity,
    body: UpdatePolicyDto,
  ): Promise<PolicyEntity> {
    Object.assign(
      policy,
      definedOnly<Partial<PolicyEntity>>({
        name: body.name,
        policyType: body.policy_type,
        keepHourly: body.keep_hourly,
        keepDaily: body.keep_daily,
        keepWeekly: body.keep_weekly,
        keepMonthly: body.keep_monthly,
        keepYearly: body.keep_yearly,
        vmprovider: body.vmprovider,
        prehook: body.prehook,
        posthook: body.posthook,
        modePull: body.mode_pull,
        enabled: body.enabled,
      }),
    );
    if (body.repository !== undefined) policy.repository = await this.repositoryOf(body.repository);
    if (body.schedule !== undefined) policy.schedule = await this.scheduleOf(body.schedule);
    if (body.clients !== undefined) policy.clients = await this.clientsOf(body.clients);
    policy.extraVars = this.extraVarsOf(policy, body.extra_vars);
    policy.modifiedBy = actor;
    policy.nextRun = this.nextRuns.compute(policy);
    const saved = await this.repository.save(policy);

    return this.get(saved.id);
  }

  /**
   * Validates extra_vars against the policy type (again when only the type
   * changed) and encrypts the secrets newly sent. Secrets kept from the stored
   * extra_vars are already encrypted: they are neither encrypted twice nor
   * checked in their encrypted form.
   */
  private extraVarsOf(
    policy: PolicyEntity,
    incoming: Record<string, unknown> | undefined,
  ): Record<string, unknown> {
    const stored = policy.extraVars;
    const merged = incoming === undefined ? { ...stored } : unmaskExtraVars(incoming, stored);
    const fresh = EXTRA_VARS_SECRET_KEYS.filter((key) => {
      const sent = incoming?.[key];

      return typeof sent === 'string' && sent !== '' && sent !== ENCRYPTED_PLACEHOLDER;
    });
    const checked = { ...merged };
    for (const key of EXTRA_VARS_SECRET_KEYS) {
      if (!fresh.includes(key) && typeof checked[key] === 'string') checked[key] = '';
    }
    const errors = validateExtraVars(policy.policyType, checked);
    if (errors.length > 0) throw new BadRequestException({ extra_vars: errors });

    for (const key of fresh) merged[key] = this.secrets.encrypt(merged[key] as string);

    return merged;
  }

  private async repositoryOf(id: number): Promise<RepositoryEntity> {
    const found = await this.repositories.findOneBy({ id });
    if (!found) throw missing('repository', id);

    return found;
  }

  private async scheduleOf(id: number): Promise<ScheduleEntity> {
    const found = await this.schedules.findOneBy({ id });
    if (!found) throw missing('schedule', id);

    return found;
  }

  private async clientsOf(ids: number[]): Promise<ClientEntity[]> {
    const found = ids.length === 0 ? [] : await this.clients.findBy({ id: In(ids) });
    const absent = ids.find((id) => !found.some((c) => c.id === id));
    if (absent !== undefined) throw missing('clients', absent);

    return found;
  }
}

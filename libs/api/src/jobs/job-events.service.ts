import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { JobEntity, JobEventEntity } from '@cyborg/database';

import { ListSpec } from '../common/list-query';
import { ListRequest, Page, pageUrl, ResourceService } from '../common/resource.service';
import { parseLogSearch } from './log-search.query';
import { LogHit, LogSearchService } from './log-search.service';

@Injectable()
export class JobEventsService extends ResourceService<JobEventEntity> {
  protected readonly relations = ['job'];
  protected readonly listSpec: ListSpec = {
    alias: 'event',
    fields: {
      id: { path: 'event.id', type: 'number' },
      job: { path: 'event.job', type: 'number' },
      counter: { path: 'event.counter', type: 'number' },
      event: { path: 'event.event', type: 'string' },
      stdout: { path: 'event.stdout', type: 'string', orderable: false },
      created: { path: 'event.created', type: 'date' },
    },
    // Not reached: `?search=` goes to the log search (JobEventsController).
    search: ['stdout'],
    defaultOrder: 'counter',
  };

  constructor(
    @InjectRepository(JobEventEntity) events: Repository<JobEventEntity>,
    @InjectRepository(JobEntity) private readonly jobs: Repository<JobEntity>,
    @Inject(LogSearchService) private readonly logSearch: LogSearchService,
  ) {
    super(events);
  }

  /**
   * `?search=`: the log search (Elasticsearch or PostgreSQL, see LogSearchService) over all
   * jobs, or over one job's lines when `jobId` is given (404 when there is no such job).
   */
  async search(request: ListRequest, jobId: number | null = null): Promise<Page<LogHit>> {
    if (jobId !== null && !(await this.jobs.existsBy({ id: jobId }))) {
      throw new NotFoundException('Not found.');
    }
    const query = parseLogSearch(request.query, jobId);
    const { count, hits } = await this.logSearch.find(query);
    const lastPage = Math.max(1, Math.ceil(count / query.pageSize));

    return {
      count,
      next: query.page < lastPage ? pageUrl(request, query.page + 1) : null,
      previous: query.page > 1 ? pageUrl(request, query.page - 1) : null,
      results: hits,
    };
  }

  /** The events of one job; 404 when there is no such job. */
  async listOfJob(jobId: number, request: ListRequest) {
    if (!(await this.jobs.existsBy({ id: jobId }))) throw new NotFoundException('Not found.');

    return this.list(request, (qb) => qb.andWhere('event.job = :jobId', { jobId }));
  }

  /** Loads only the id of each event's job: an event is shown with its job's id, not the job. */
  override async loadMany(ids: string[]): Promise<JobEventEntity[]> {
    if (ids.length === 0) return [];
    const rows = await this.repository
      .createQueryBuilder('event')
      .leftJoin('event.job', 'job')
      .addSelect('job.id')
      .where('event.id IN (:...ids)', { ids })
      .getMany();
    const byId = new Map(rows.map((r) => [r.id, r]));

    return ids.map((id) => byId.get(id)).filter((r): r is JobEventEntity => r !== undefined);
  }
}

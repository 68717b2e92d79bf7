import { Controller, Get, Param, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';

import { IdPipe } from '../common/id.pipe';
import { listRequest, toPage } from '../common/resource.service';
import { serializeJobEvent } from './job.serializer';
import { JobEventsService } from './job-events.service';

/** `?search=` with something in it; an empty one lists, as before. */
function isSearch(query: Record<string, unknown>): boolean {
  return query.search !== undefined && query.search !== '';
}

/** The lines of output jobs wrote, one event per line, in `counter` order. */
@ApiTags('job_events')
@Controller('api/v1')
export class JobEventsController {
  constructor(private readonly events: JobEventsService) {}

  /** With `?search=`, a log search across jobs (see LogSearchService); else the plain list. */
  @Get('job_events')
  async list(@Req() req: Request) {
    const request = listRequest(req);
    if (isSearch(request.query)) return this.events.search(request);

    return toPage(await this.events.list(request), serializeJobEvent);
  }

  @Get('job_events/:id')
  async get(@Param('id', IdPipe) id: number) {
    return serializeJobEvent(await this.events.get(String(id)));
  }

  @Get('jobs/:id/job_events')
  async listOfJob(@Param('id', IdPipe) id: number, @Req() req: Request) {
    const request = listRequest(req);
    if (isSearch(request.query)) return this.events.search(request, id);

    return toPage(await this.events.listOfJob(id, request), serializeJobEvent);
  }
}

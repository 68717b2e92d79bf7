import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';

import type { JobEntity, UserEntity } from '@cyborg/database';
import { isActiveJobStatus } from '@cyborg/domain';

import { CurrentUser, SuperuserOnly } from '../auth/auth.decorators';
import { IdPipe } from '../common/id.pipe';
import { listRequest, toPage } from '../common/resource.service';
import { serializeJob } from './job.serializer';
import { JobsService } from './jobs.service';
import { parseStdoutRequest, renderStdout } from './stdout.util';

@ApiTags('jobs')
@Controller('api/v1/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  async list(@Req() req: Request) {
    const result = await this.jobs.list(listRequest(req));
    const dependents = await this.jobs.dependentsOf(result.page.results);

    return toPage(result, (job) => serializeJob(job, dependents));
  }

  @Get(':id')
  async get(@Param('id', IdPipe) id: number) {
    return this.serialize(await this.jobs.get(id));
  }

  @Delete(':id')
  @SuperuserOnly()
  @HttpCode(204)
  async remove(@Param('id', IdPipe) id: number): Promise<void> {
    await this.jobs.delete(id);
  }

  @Get(':id/start')
  async canStart(@Param('id', IdPipe) id: number) {
    return { can_start: (await this.jobs.get(id)).status === 'new' };
  }

  /** Releases a job created as `new` to the task manager. */
  @Post(':id/start')
  @HttpCode(202)
  async start(@CurrentUser() actor: UserEntity, @Param('id', IdPipe) id: number) {
    await this.jobs.start(actor, id);

    return {};
  }

  @Get(':id/cancel')
  async canCancel(@Param('id', IdPipe) id: number) {
    return { can_cancel: isActiveJobStatus((await this.jobs.get(id)).status) };
  }

  @Post(':id/cancel')
  @HttpCode(202)
  async cancel(@CurrentUser() actor: UserEntity, @Param('id', IdPipe) id: number) {
    await this.jobs.cancel(actor, id);

    return {};
  }

  @Get(':id/relaunch')
  async canRelaunch(@Param('id', IdPipe) id: number) {
    const refusal = this.jobs.relaunchRefusal(await this.jobs.get(id));

    return refusal ? { can_relaunch: false, reason: refusal.reason } : { can_relaunch: true };
  }

  @Post(':id/relaunch')
  async relaunch(@CurrentUser() actor: UserEntity, @Param('id', IdPipe) id: number) {
    return this.serialize(await this.jobs.relaunch(actor, id));
  }

  /** The job's output as text, ANSI text, JSON with its line range, or an HTML page. */
  @Get(':id/stdout')
  async stdout(
    @Param('id', IdPipe) id: number,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const request = parseStdoutRequest(query);
    const page = await this.jobs.stdout(id, request.startLine, request.endLine);
    const rendered = renderStdout(id, page, request.format);
    if (rendered.kind === 'json') return rendered.body;

    res.setHeader('Content-Type', rendered.contentType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // The page holds only escaped text: nothing in it may run or load anything.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    if (rendered.filename) {
      res.setHeader('Content-Disposition', `attachment; filename="${rendered.filename}"`);
    }

    return rendered.body;
  }

  private async serialize(job: JobEntity) {
    return serializeJob(job, await this.jobs.dependentsOf([job]));
  }
}

import type { IncomingMessage, Server } from 'node:http';

import type { INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';

import type { AppConfig } from '@cyborg/config';

import { ApiExceptionFilter } from './common/api-exception.filter';
import { ApiValidationPipe } from './common/validation.pipe';
import { API_VERSION } from './root/root.controller';

/** Bodies larger than this are refused with 400 before they reach validation. */
const BODY_LIMIT = '1mb';

/**
 * Everything the HTTP server needs around the controllers: JSON parsing with
 * errors answered as JSON, validation, the error mapper and the OpenAPI page.
 * The app must be created with `bodyParser: false`.
 */
export function configureHttpApp(app: INestApplication, config: AppConfig): void {
  const filter = new ApiExceptionFilter(config.debug);
  app.use(express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // body-parser hands its errors straight to Express; answer them like every other error.
    filter.catch(error, { switchToHttp: () => ({ getResponse: () => res }) } as never);
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    // A body in another format (form, text) is left unparsed and would pass for an empty
    // one, its fields silently lost; no body at all is fine.
    const length = Number(req.headers['content-length'] ?? 0);
    const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && req.body === undefined) {
      res.status(400).json({ detail: 'The body must be JSON, sent as application/json.' });

      return;
    }
    next();
  });
  app.useGlobalPipes(new ApiValidationPipe());
  app.useGlobalFilters(filter);
  app.useWebSocketAdapter(new WsAdapter(app));
  // The original web UI connects to `/websocket/`; Nest's adapter matches paths without the
  // trailing slash, so the slash is dropped before the adapter looks at the request.
  (app.getHttpServer() as Server).prependListener('upgrade', (request: IncomingMessage) => {
    request.url = request.url?.replace(/^\/websocket\/(?=\?|$)/, '/websocket');
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('CyBorgBackup API')
      .setVersion(API_VERSION)
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization' }, 'token')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
}

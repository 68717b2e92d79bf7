import { Logger, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';

import { ApiModule, configureHttpApp } from '@cyborg/api';
import { type AppConfig, ConfigModule, loadConfig } from '@cyborg/config';
import { DatabaseModule } from '@cyborg/database';

import { cloneTestDatabase } from './test-database';

export const TEST_SECRET_KEY = 'integration-tests-secret-key-0123456789';
export const ADMIN = { email: 'admin@cyborg.local', password: 'admin-password-for-tests' };

export interface TestResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string;
  /** A whole Authorization header, for other schemes than Bearer. */
  authorization?: string;
  body?: unknown;
  /** Sent as is, for malformed bodies. */
  rawBody?: string;
  contentType?: string;
}

/** The API gateway on a random port over a private copy of the test database, spoken to over HTTP. */
export class TestApi {
  private constructor(
    readonly app: INestApplication,
    readonly baseUrl: string,
    readonly config: AppConfig,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  static async start(overrides: Record<string, string> = {}): Promise<TestApi> {
    const database = await cloneTestDatabase();
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: database.url,
      SECRET_KEY: TEST_SECRET_KEY,
      CYBORG_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'error',
      ...overrides,
    });

    @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, ApiModule] })
    class TestAppModule {}

    Logger.overrideLogger(['error']);
    const app = await NestFactory.create(TestAppModule, { bodyParser: false, logger: ['error'] });
    configureHttpApp(app, config);
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;

    return new TestApi(app, `http://127.0.0.1:${port}`, config, database.drop);
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.dropDatabase();
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<TestResponse<T>> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.authorization) headers.authorization = options.authorization;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';

    const response = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (the Swagger page, say): leave the text.
    }

    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = unknown>(path: string, token?: string) {
    return this.request<T>('GET', path, { token });
  }

  post<T = unknown>(path: string, body: unknown, token?: string) {
    return this.request<T>('POST', path, { body, token });
  }

  patch<T = unknown>(path: string, body: unknown, token?: string) {
    return this.request<T>('PATCH', path, { body, token });
  }

  delete<T = unknown>(path: string, token?: string) {
    return this.request<T>('DELETE', path, { token });
  }

  async login(email: string, password: string): Promise<string> {
    const response = await this.post<{ access: string }>('/api/token/obtain/', { email, password });
    if (response.status !== 200) throw new Error(`login of ${email} failed: ${response.text}`);

    return response.body.access;
  }

  loginAdmin(): Promise<string> {
    return this.login(ADMIN.email, ADMIN.password);
  }

  /** Creates a user through the API (as admin) and returns a token for it. */
  async createUser(adminToken: string, fields: { email: string; is_superuser?: boolean }) {
    const password = 'user-password-1234';
    const created = await this.post<{ id: number }>(
      '/api/v1/users/',
      { password, ...fields },
      adminToken,
    );
    if (created.status !== 201) throw new Error(`creating ${fields.email} failed: ${created.text}`);

    return { id: created.body.id, token: await this.login(fields.email, password), password };
  }
}

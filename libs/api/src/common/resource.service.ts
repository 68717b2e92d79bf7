import { BadRequestException, NotFoundException } from '@nestjs/common';
import { FindOptionsWhere, In, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';

import { ListQuery, ListQueryBuilder, ListSpec } from './list-query';

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface ListRequest {
  /** Path of the list, e.g. `/api/v1/clients/`, to build `next` and `previous`. */
  path: string;
  query: Record<string, unknown>;
}

/** The URL of another page of the same list. */
export function pageUrl(request: ListRequest, page: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(request.query)) {
    if (key === 'page') continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  if (page > 1) params.set('page', String(page));
  const search = params.toString();

  return search ? `${request.path}?${search}` : request.path;
}

/** Keeps only the `?fields=` asked for, refusing names the objects do not have. */
export function project<T extends object>(results: T[], fields: string[] | null): Partial<T>[] {
  if (!fields) return results;
  const first = results[0];
  // Own keys only: `in` would also accept inherited ones such as `constructor` or `__proto__`.
  const unknown = first ? fields.filter((f) => !Object.hasOwn(first, f)) : [];
  if (unknown.length > 0) {
    throw new BadRequestException({ fields: [`Unknown field(s): ${unknown.join(', ')}.`] });
  }

  return results.map(
    (r) => Object.fromEntries(fields.map((f) => [f, r[f as keyof T]])) as Partial<T>,
  );
}

/**
 * Listing and loading shared by every resource. Lists run in two steps: one
 * query filters, orders and pages the ids; a second loads those rows with the
 * relations the serializer needs, so joins never multiply rows or break paging.
 */
export abstract class ResourceService<E extends ObjectLiteral & { id: number | string }> {
  protected abstract readonly listSpec: ListSpec;
  /** Relations loaded for the serializer. */
  protected abstract readonly relations: string[];

  protected constructor(protected readonly repository: Repository<E>) {}

  async list(
    request: ListRequest,
    scope?: (qb: SelectQueryBuilder<E>) => void,
  ): Promise<{ page: Page<E>; query: ListQuery }> {
    const qb = this.repository.createQueryBuilder(this.listSpec.alias);
    scope?.(qb);
    const query = new ListQueryBuilder(this.listSpec, qb).apply(request.query);
    const count = await qb.getCount();
    const lastPage = Math.max(1, Math.ceil(count / query.pageSize));
    if (query.page > lastPage) throw new NotFoundException('Invalid page.');

    const rows = await qb
      .select(`${this.listSpec.alias}.id`, 'id')
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .getRawMany<{ id: E['id'] }>();
    const results = await this.loadMany(rows.map((r) => r.id));

    return {
      query,
      page: {
        count,
        next: query.page < lastPage ? pageUrl(request, query.page + 1) : null,
        previous: query.page > 1 ? pageUrl(request, query.page - 1) : null,
        results,
      },
    };
  }

  /** Loads rows in the order of `ids` (strings for bigint keys, as PostgreSQL returns them). */
  async loadMany(ids: E['id'][]): Promise<E[]> {
    if (ids.length === 0) return [];
    const rows = await this.repository.find({
      where: { id: In(ids) } as FindOptionsWhere<E>,
      relations: this.relations,
    });
    const byId = new Map(rows.map((r) => [r.id, r]));

    return ids.map((id) => byId.get(id)).filter((r): r is E => r !== undefined);
  }

  async get(id: E['id']): Promise<E> {
    const [found] = await this.loadMany([id]);
    if (!found) throw new NotFoundException('Not found.');

    return found;
  }

  async remove(id: E['id']): Promise<void> {
    const entity = await this.get(id);
    await this.repository.remove(entity);
  }
}

/** The `{count, next, previous, results}` answer of a list, serialized and projected. */
export function toPage<E, T extends object>(
  result: { page: Page<E>; query: ListQuery },
  serialize: (entity: E) => T,
) {
  return {
    ...result.page,
    results: project(result.page.results.map(serialize), result.query.fields),
  };
}

export function listRequest(request: { path: string; query: unknown }): ListRequest {
  return { path: request.path, query: request.query as Record<string, unknown> };
}

import { BadRequestException } from '@nestjs/common';
import { Brackets, ObjectLiteral, SelectQueryBuilder, WhereExpressionBuilder } from 'typeorm';

/** How a field of the API is found in SQL and what its values look like. */
export interface FieldSpec {
  /** A TypeORM property path over the list's aliases, e.g. `policy.name` or `repository.name`. */
  path: string;
  type: 'string' | 'number' | 'boolean' | 'date';
  /** Alias of a to-one relation to join before the path can be used. */
  join?: string;
  /**
   * For a to-many relation: the condition is tested inside
   * `EXISTS (SELECT 1 FROM <from> WHERE <link> AND <condition on column>)`, in plain SQL.
   */
  many?: { from: string; link: string; column: string };
  /** Fields that may filter but make no sense to order by. */
  orderable?: boolean;
}

/** What a list endpoint exposes to `?field__lookup=`, `?order_by=` and `?search=`. */
export interface ListSpec {
  alias: string;
  /** to-one joins by alias: `{ repository: 'policy.repository' }`. */
  joins?: Record<string, string>;
  fields: Record<string, FieldSpec>;
  search: string[];
  defaultOrder?: string;
}

export interface ListQuery {
  page: number;
  pageSize: number;
  fields: string[] | null;
}

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 25;

const LOOKUPS = [
  'exact',
  'iexact',
  'contains',
  'icontains',
  'startswith',
  'istartswith',
  'endswith',
  'iendswith',
  'regex',
  'iregex',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'isnull',
] as const;
type Lookup = (typeof LOOKUPS)[number];

const STRING_ONLY: Lookup[] = [
  'iexact',
  'contains',
  'icontains',
  'startswith',
  'istartswith',
  'endswith',
  'iendswith',
  'regex',
  'iregex',
];

/** Parameters that are not filters. `_` is the cache-buster some UIs add. */
const RESERVED = new Set([
  'page',
  'page_size',
  'order_by',
  'order',
  'search',
  'fields',
  'format',
  '_',
]);

const MAX_VALUE_LENGTH = 1024;

function invalid(param: string, message: string): BadRequestException {
  return new BadRequestException({ [param]: [message] });
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function one(raw: unknown, param: string): string {
  const value: unknown = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (typeof value !== 'string') throw invalid(param, 'Must be a single value.');
  if (value.length > MAX_VALUE_LENGTH) {
    throw invalid(param, `Must be at most ${MAX_VALUE_LENGTH} characters.`);
  }
  // PostgreSQL cannot take a NUL in a text parameter and would fail the whole query.
  if (value.includes('\0')) throw invalid(param, 'Must not contain NUL characters.');

  return value;
}

function parseValue(spec: FieldSpec, raw: string, param: string): string | number | boolean | Date {
  switch (spec.type) {
    case 'string':
      return raw;
    case 'number': {
      if (!/^-?\d+(\.\d+)?$/.test(raw)) throw invalid(param, `"${raw}" is not a number.`);

      return Number(raw);
    }
    case 'boolean': {
      if (/^(true|1)$/i.test(raw)) return true;
      if (/^(false|0)$/i.test(raw)) return false;
      throw invalid(param, `"${raw}" is not a boolean; use true or false.`);
    }
    case 'date': {
      const date = new Date(raw);
      if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(date.getTime())) {
        throw invalid(param, `"${raw}" is not an ISO 8601 date.`);
      }

      return date;
    }
  }
}

interface Condition {
  sql: string;
  params: ObjectLiteral;
}

/** Builds and applies the filters, search, order and page of one list request. */
export class ListQueryBuilder<E extends ObjectLiteral> {
  private counter = 0;
  private readonly joined = new Set<string>();

  constructor(
    private readonly spec: ListSpec,
    private readonly qb: SelectQueryBuilder<E>,
  ) {}

  /** Applies everything but the page; returns the page request. */
  apply(query: Record<string, unknown>): ListQuery {
    const and: Condition[] = [];
    const or: Condition[] = [];

    for (const [param, raw] of Object.entries(query)) {
      if (RESERVED.has(param)) continue;
      let name = param;
      let negate = false;
      let target = and;
      if (name.startsWith('or__')) {
        name = name.slice(4);
        target = or;
      }
      if (name.startsWith('not__')) {
        name = name.slice(5);
        negate = true;
      }
      const condition = this.condition(param, name, one(raw, param));
      target.push(negate ? { sql: `NOT (${condition.sql})`, params: condition.params } : condition);
    }

    for (const condition of and) this.qb.andWhere(condition.sql, condition.params);
    if (or.length > 0) this.qb.andWhere(this.anyOf(or));
    this.applySearch(query.search);
    this.applyOrder(query.order_by ?? query.order);

    return this.page(query);
  }

  private anyOf(conditions: Condition[]): Brackets {
    return new Brackets((where: WhereExpressionBuilder) => {
      for (const c of conditions) where.orWhere(c.sql, c.params);
    });
  }

  private resolve(param: string, name: string): { spec: FieldSpec; lookup: Lookup } {
    const direct = this.spec.fields[name];
    if (direct) return { spec: direct, lookup: 'exact' };

    const cut = name.lastIndexOf('__');
    const field = cut > 0 ? this.spec.fields[name.slice(0, cut)] : undefined;
    const lookup = LOOKUPS.find((l) => l === name.slice(cut + 2));
    if (field && lookup) return { spec: field, lookup };

    throw invalid(param, `Unknown filter. Fields: ${Object.keys(this.spec.fields).join(', ')}.`);
  }

  private join(spec: FieldSpec): void {
    if (!spec.join || this.joined.has(spec.join)) return;
    const relation = this.spec.joins?.[spec.join];
    if (!relation) throw new Error(`List spec has no join named ${spec.join}`);
    this.qb.leftJoin(relation, spec.join);
    this.joined.add(spec.join);
  }

  private condition(param: string, name: string, raw: string): Condition {
    const { spec, lookup } = this.resolve(param, name);
    if (STRING_ONLY.includes(lookup) && spec.type !== 'string') {
      throw invalid(param, `The ${lookup} lookup applies only to text fields.`);
    }
    this.join(spec);
    const column = spec.many ? spec.many.column : spec.path;
    const built = this.lookup(param, spec, lookup, column, raw);
    if (!spec.many) return built;

    return {
      sql: `EXISTS (SELECT 1 FROM ${spec.many.from} WHERE ${spec.many.link} AND ${built.sql})`,
      params: built.params,
    };
  }

  private lookup(
    param: string,
    spec: FieldSpec,
    lookup: Lookup,
    column: string,
    raw: string,
  ): Condition {
    const p = `f${this.counter++}`;
    const like = (pattern: string, op: 'LIKE' | 'ILIKE'): Condition => ({
      sql: `${column} ${op} :${p}`,
      params: { [p]: pattern },
    });

    switch (lookup) {
      case 'exact':
        return { sql: `${column} = :${p}`, params: { [p]: parseValue(spec, raw, param) } };
      case 'iexact':
        return { sql: `LOWER(${column}) = LOWER(:${p})`, params: { [p]: raw } };
      case 'contains':
        return like(`%${escapeLike(raw)}%`, 'LIKE');
      case 'icontains':
        return like(`%${escapeLike(raw)}%`, 'ILIKE');
      case 'startswith':
        return like(`${escapeLike(raw)}%`, 'LIKE');
      case 'istartswith':
        return like(`${escapeLike(raw)}%`, 'ILIKE');
      case 'endswith':
        return like(`%${escapeLike(raw)}`, 'LIKE');
      case 'iendswith':
        return like(`%${escapeLike(raw)}`, 'ILIKE');
      case 'regex':
        return { sql: `${column} ~ :${p}`, params: { [p]: raw } };
      case 'iregex':
        return { sql: `${column} ~* :${p}`, params: { [p]: raw } };
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[lookup];

        return { sql: `${column} ${op} :${p}`, params: { [p]: parseValue(spec, raw, param) } };
      }
      case 'in': {
        const values = raw.split(',').map((v) => parseValue(spec, v, param));

        return { sql: `${column} IN (:...${p})`, params: { [p]: values } };
      }
      case 'isnull': {
        const isNull = parseValue({ ...spec, type: 'boolean' }, raw, param);

        return { sql: `${column} IS ${isNull ? '' : 'NOT '}NULL`, params: {} };
      }
    }
  }

  private applySearch(raw: unknown): void {
    if (raw === undefined || raw === '') return;
    const term = one(raw, 'search');
    const p = `s${this.counter++}`;
    this.qb.andWhere(
      new Brackets((where) => {
        for (const name of this.spec.search) {
          const spec = this.spec.fields[name];
          this.join(spec);
          where.orWhere(`${spec.path} ILIKE :${p}`, { [p]: `%${escapeLike(term)}%` });
        }
      }),
    );
  }

  private applyOrder(raw: unknown): void {
    const text = raw === undefined ? (this.spec.defaultOrder ?? '-id') : one(raw, 'order_by');
    const names = text.split(',').filter((n) => n !== '');
    let first = true;
    for (const entry of names) {
      const descending = entry.startsWith('-');
      const name = descending ? entry.slice(1) : entry;
      const spec = this.spec.fields[name];
      if (!spec || spec.many || spec.orderable === false) {
        throw invalid('order_by', `Cannot order by "${name}".`);
      }
      this.join(spec);
      const direction = descending ? 'DESC' : 'ASC';
      if (first) this.qb.orderBy(spec.path, direction, 'NULLS LAST');
      else this.qb.addOrderBy(spec.path, direction, 'NULLS LAST');
      first = false;
    }
    // A stable tiebreak, so pages never repeat or skip a row.
    if (!names.some((n) => n.replace(/^-/, '') === 'id')) {
      this.qb.addOrderBy(`${this.spec.alias}.id`, 'DESC');
    }
  }

  private page(query: Record<string, unknown>): ListQuery {
    const page = query.page === undefined ? '1' : one(query.page, 'page');
    const size =
      query.page_size === undefined ? String(DEFAULT_PAGE_SIZE) : one(query.page_size, 'page_size');
    if (!/^[1-9]\d{0,8}$/.test(page)) throw invalid('page', 'Must be a whole number from 1.');
    if (!/^[1-9]\d{0,8}$/.test(size) || Number(size) > MAX_PAGE_SIZE) {
      throw invalid('page_size', `Must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
    }
    const fields = query.fields === undefined ? null : one(query.fields, 'fields').split(',');

    return { page: Number(page), pageSize: Number(size), fields };
  }
}

import {
  ArgumentMetadata,
  BadRequestException,
  Injectable,
  type Type,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';

/**
 * Fields the API returns but never accepts. Scripts of the original system PUT
 * back whole objects, so these are dropped silently instead of refused, unless
 * the body's DTO declares one of them (generate_ssh takes a key `type`).
 */
const READ_ONLY = [
  'id',
  'type',
  'url',
  'related',
  'summary_fields',
  'created',
  'modified',
  'created_by',
  'modified_by',
  'last_login',
  'uuid',
  'next_run',
  'next_check',
  'original_size',
  'compressed_size',
  'deduplicated_size',
  // what a setting shows besides its value
  'key',
  'setting_type',
  'group',
  'order',
  'description',
];

/** Keys that reach an object's prototype when assigned; never a field of this API. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper bodies are refused before anything recurses into them. */
const MAX_DEPTH = 32;

/**
 * What is wrong anywhere inside a field's value, or null: keys that could pollute a
 * prototype, NUL characters (PostgreSQL cannot store them in text or JSON) and nesting
 * deep enough to exhaust the stack of whatever walks it next.
 */
function hostileContent(value: unknown, depth = 0): string | null {
  if (typeof value === 'string') {
    return value.includes('\0') ? 'Must not contain NUL characters.' : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= MAX_DEPTH) return `Must not be nested more than ${MAX_DEPTH} levels deep.`;
  for (const [key, item] of Object.entries(value)) {
    if (PROTOTYPE_KEYS.has(key)) return `"${key}" is not an allowed key.`;
    if (key.includes('\0')) return 'Keys must not contain NUL characters.';
    const problem = hostileContent(item, depth + 1);
    if (problem) return problem;
  }

  return null;
}

/** `{field: [message]}` for every top-level field whose name or content is hostile. */
function hostileFields(body: Record<string, unknown>): Record<string, string[]> | null {
  const errors = Object.entries(body)
    .map(([key, value]): [string, string | null] => [
      key,
      PROTOTYPE_KEYS.has(key) || key.includes('\0') ? 'Unknown field.' : hostileContent(value),
    ])
    .filter((entry): entry is [string, string] => entry[1] !== null);

  // fromEntries defines own properties, so a "__proto__" key is reported, not assigned.
  return errors.length === 0 ? null : Object.fromEntries(errors.map(([k, m]) => [k, [m]]));
}

/** The properties a DTO class declares through its validation decorators. */
function declaredFields(metatype: ArgumentMetadata['metatype']): Set<string> {
  if (!metatype) return new Set();
  const metadata = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false);

  return new Set(metadata.map((m) => m.propertyName));
}

function collect(errors: ValidationError[], prefix = '', into: Record<string, string[]> = {}) {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      into[field] = Object.values(error.constraints).map((m) =>
        m.replace(/^property (\S+) should not exist$/, 'Unknown field.'),
      );
    }
    if (error.children?.length) collect(error.children, field, into);
  }

  return into;
}

/**
 * Validates every body against its DTO: unknown fields, wrong types and values
 * out of range all end in a 400 of `{field: [messages]}`, never a 500.
 */
@Injectable()
export class ApiValidationPipe extends ValidationPipe {
  /**
   * `bodyType` is for routes whose body type TypeScript cannot record, such as
   * those of a controller made by a generic function (`CrudController`).
   */
  constructor(private readonly bodyType?: Type) {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new BadRequestException(collect(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Path parameters reach their own pipe (IdPipe) as sent: converted to numbers here,
    // `0x1`, `1e0` or ` 1` would all name object 1.
    if (metadata.type === 'param') return value;
    if (metadata.type !== 'body') return super.transform(value, metadata);
    if (this.bodyType) metadata = { ...metadata, metatype: this.bodyType };
    // No body at all (Express leaves it undefined) is an empty one: actions such as
    // `POST /policies/{id}/launch/` are called bare, their options all optional.
    if (value === undefined) value = {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new BadRequestException({ non_field_errors: ['Expected a JSON object.'] });
    }
    const hostile = hostileFields(value as Record<string, unknown>);
    if (hostile) throw new BadRequestException(hostile);
    const body: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const declared = declaredFields(metadata.metatype);
    for (const key of READ_ONLY) if (!declared.has(key)) delete body[key];

    return super.transform(body, metadata);
  }
}

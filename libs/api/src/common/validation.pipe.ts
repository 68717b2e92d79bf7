import {
  ArgumentMetadata,
  BadRequestException,
  Injectable,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';

/**
 * Fields the API returns but never accepts. Scripts of the original system PUT
 * back whole objects, so these are dropped silently instead of refused.
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
  'uuid',
  'next_run',
  'original_size',
  'compressed_size',
  'deduplicated_size',
];

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
  constructor() {
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
    if (metadata.type !== 'body') return super.transform(value, metadata);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new BadRequestException({ non_field_errors: ['Expected a JSON object.'] });
    }
    const body: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const key of READ_ONLY) delete body[key];

    return super.transform(body, metadata);
  }
}

import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';

/** PostgreSQL error codes that mean the request, not the server, was at fault. */
const CLIENT_SQL_ERRORS: Record<string, string> = {
  '2201B': 'Invalid regular expression.',
  '22P02': 'Invalid value.',
  '22003': 'Number out of range.',
  '57014': 'Query took too long; narrow the filter.',
};

const FOREIGN_KEY_VIOLATION = '23503';
/** Two requests racing to create the same unique value: the loser learns it exists. */
const UNIQUE_VIOLATION = '23505';

/** `Key (hostname)=(web1) already exists.` names the field the user can act on. */
function uniqueConflict(driverError: unknown): Record<string, string[]> {
  const detail = (driverError as { detail?: string }).detail ?? '';
  const field = /^Key \(([a-z_]+)\)=/.exec(detail)?.[1];

  return field
    ? { [field]: ['An object with this value already exists.'] }
    : { detail: ['Already exists.'] };
}

/**
 * A delete refused because other rows still point at the object (a schedule
 * or repository used by a policy), or a write naming an object deleted meanwhile.
 */
function foreignKeyConflict(driverError: unknown): { detail: string } {
  const driver = driverError as { message?: string; table?: string };
  if (driver.message?.startsWith('update or delete') && driver.table) {
    const users = driver.table.replace(/_/g, ' ');

    return { detail: `This object is still used by ${users}; change or delete those first.` };
  }

  return { detail: 'A related object no longer exists.' };
}

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}

/**
 * The one place where errors become HTTP answers. HttpExceptions keep their
 * status; malformed or oversized bodies become 400; SQL errors caused by user
 * input become 400, and foreign-key violations 409; everything else is logged
 * and answered 500 without details.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Api');

  constructor(private readonly debug = false) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.describe(exception);
    if (response.headersSent) return;
    // A throttled caller learns when to come back in the standard header as well as the body.
    const retryAfter = (body as { retry_after?: unknown } | null)?.retry_after;
    if (status === 429 && typeof retryAfter === 'number') {
      response.setHeader('Retry-After', String(retryAfter));
    }
    response.status(status).json(body);
  }

  private describe(exception: unknown): [number, unknown] {
    if (exception instanceof HttpException) return this.fromHttp(exception);
    if (isBodyParserError(exception)) {
      if (exception.type === 'entity.too.large') {
        return [HttpStatus.BAD_REQUEST, { detail: 'Request body is too large.' }];
      }
      if (exception.type === 'entity.parse.failed') {
        return [HttpStatus.BAD_REQUEST, { detail: 'Request body is not valid JSON.' }];
      }
      if (exception.status && exception.status < 500) {
        return [exception.status, { detail: exception.message ?? 'Bad request.' }];
      }
    }
    if (exception instanceof QueryFailedError) {
      const code = (exception.driverError as { code?: string }).code ?? '';
      const message = CLIENT_SQL_ERRORS[code];
      if (message) return [HttpStatus.BAD_REQUEST, { detail: message }];
      if (code === FOREIGN_KEY_VIOLATION) {
        return [HttpStatus.CONFLICT, foreignKeyConflict(exception.driverError)];
      }
      if (code === UNIQUE_VIOLATION) {
        return [HttpStatus.BAD_REQUEST, uniqueConflict(exception.driverError)];
      }
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    const detail = this.debug && exception instanceof Error ? exception.stack : 'Server error.';

    return [HttpStatus.INTERNAL_SERVER_ERROR, { detail }];
  }

  private fromHttp(exception: HttpException): [number, unknown] {
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (typeof body === 'string') return [status, { detail: body }];
    // Nest's own exceptions carry {statusCode, message, error}; ours carry field errors.
    if (typeof body === 'object' && body !== null && 'statusCode' in body && 'message' in body) {
      const message = (body as { message: unknown }).message;

      return [status, { detail: Array.isArray(message) ? message.join(' ') : message }];
    }

    return [status, body];
  }
}

import {
  registerDecorator,
  ValidateIf,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';

import {
  CrontabError,
  isHostnameOrIp,
  parseCrontab,
  parseRepositoryPath,
  RepositoryPathError,
} from '@cyborg/domain';

/**
 * Registers a property check whose message comes from the check itself: it
 * returns null when the value is fine, or the words to show the user.
 */
function check(
  name: string,
  problem: (value: unknown) => string | null,
  options?: ValidationOptions,
) {
  return (target: object, propertyName: string) => {
    const messages = new WeakMap<object, string>();
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const message = problem(value);
          if (message !== null) messages.set(args.object, message);

          return message === null;
        },
        defaultMessage(args: ValidationArguments) {
          return messages.get(args.object) ?? `${args.property} is invalid.`;
        },
      },
    });
  };
}

/**
 * The field may be left out but not sent as null. class-validator's IsOptional lets null
 * through every check, and null then hits a NOT NULL column (a 500) or, as an id, makes
 * TypeORM match any row. Fields that may really be null keep IsOptional.
 */
export function IsOptionalNotNull(options?: ValidationOptions) {
  return ValidateIf((_, value) => value !== undefined, options);
}

export function IsHostnameOrIp(options?: ValidationOptions) {
  return check(
    'isHostnameOrIp',
    (value) =>
      typeof value === 'string' && isHostnameOrIp(value)
        ? null
        : 'Must be a host name (letters, digits, dots and hyphens) or an IP address.',
    options,
  );
}

export function IsCrontab(options?: ValidationOptions) {
  return check(
    'isCrontab',
    (value) => {
      if (typeof value !== 'string') return 'Must be a string.';
      try {
        parseCrontab(value);

        return null;
      } catch (error) {
        if (error instanceof CrontabError) return error.message;
        throw error;
      }
    },
    options,
  );
}

export function IsRepositoryPath(options?: ValidationOptions) {
  return check(
    'isRepositoryPath',
    (value) => {
      if (typeof value !== 'string') return 'Must be a string.';
      try {
        parseRepositoryPath(value);

        return null;
      } catch (error) {
        if (error instanceof RepositoryPathError) {
          return `${error.message} Expected user@host:/path or ssh://user@host[:port]/path.`;
        }
        throw error;
      }
    },
    options,
  );
}

export function IsPlainObject(options?: ValidationOptions) {
  return check(
    'isPlainObject',
    (value) =>
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? null
        : 'Must be a JSON object.',
    options,
  );
}

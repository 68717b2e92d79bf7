import { isHostnameOrIp } from './hostname.util';
import { PolicyType } from './policy-type';
import { hasControlCharacters } from './text.util';

// A check lists what is wrong with one value, each message naming the key.
type Check = (value: unknown, key: string) => string[];

interface KeyRule {
  required?: boolean;
  check: Check;
}

const MAX_LIST_ITEMS = 1000;
const MAX_PATTERN_LENGTH = 1024;
const MAX_FOLDER_LENGTH = 4096;
const MAX_NAME_LENGTH = 128;
const MAX_PASSWORD_LENGTH = 1024;
const MAX_COMMAND_LENGTH = 8192;
const MAX_FILENAME_LENGTH = 255;
const MAX_PROXMOX_VM_ID = 999_999_999;
const FILENAME_SEGMENT = /^[a-z0-9_+][a-z0-9._+-]*$/i;

const COMMON_RULES: Record<string, KeyRule> = {
  exclude: { check: stringList({ allowEmpty: true }, checkPattern) },
};

const name: KeyRule = { check: stringValue(checkName) };
const password: KeyRule = { check: stringValue(checkPassword) };
const host: KeyRule = { check: stringValue(checkHost) };
const port: KeyRule = { check: checkPort };
const databases: KeyRule = { check: stringOrStringList(checkName) };

const POLICY_RULES: Record<PolicyType, Record<string, KeyRule>> = {
  rootfs: {},
  config: {},
  mail: {},
  folders: { folders: { required: true, check: stringList({ allowEmpty: false }, checkFolder) } },
  piped: {
    command: { required: true, check: stringValue(checkCommand) },
    filename: { check: stringValue(checkFilename) },
  },
  mysql: { user: name, password, databases, host, port },
  postgresql: { database: name, databases, user: name, password, host, port },
  vm: { vms: { check: stringList({ allowEmpty: false }, checkName) } },
  proxmox: { vms: { check: proxmoxVms } },
};

/** Human-readable problems with a policy's extra_vars; empty when they are valid. */
export function validateExtraVars(policyType: PolicyType, value: unknown): string[] {
  if (!isPlainObject(value)) {
    return ['extra_vars must be a JSON object'];
  }

  const rules = { ...COMMON_RULES, ...POLICY_RULES[policyType] };
  const allowed = Object.keys(rules).join(', ');
  const errors: string[] = [];
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(rules, key)) {
      errors.push(`unknown key ${quote(key)} for a ${policyType} policy (allowed: ${allowed})`);
    }
  }

  for (const [key, rule] of Object.entries(rules)) {
    if (Object.hasOwn(value, key)) {
      errors.push(...rule.check(value[key], key));
    } else if (rule.required) {
      errors.push(`${key} is required for a ${policyType} policy`);
    }
  }

  const bothDatabaseKeys = Object.hasOwn(value, 'database') && Object.hasOwn(value, 'databases');
  if (policyType === 'postgresql' && bothDatabaseKeys) {
    errors.push('use either database or databases, not both');
  }

  return errors;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }

  const prototype: unknown = Object.getPrototypeOf(value);

  return prototype === Object.prototype || prototype === null;
}

function stringValue(check: (value: string) => string | null): Check {
  return (value, key) => {
    if (typeof value !== 'string') {
      return [`${key} must be a string`];
    }

    const reason = check(value);

    return reason === null ? [] : [`${key} ${reason}`];
  };
}

function stringList(
  options: { allowEmpty: boolean },
  check: (value: string) => string | null,
): Check {
  return (value, key) => {
    if (!Array.isArray(value)) {
      return [`${key} must be an array of strings`];
    }

    return checkList(value, key, options.allowEmpty, stringValue(check));
  };
}

function stringOrStringList(check: (value: string) => string | null): Check {
  return (value, key) => {
    if (typeof value === 'string') {
      return stringValue(check)(value, key);
    }

    if (!Array.isArray(value)) {
      return [`${key} must be a string or an array of strings`];
    }

    return stringList({ allowEmpty: false }, check)(value, key);
  };
}

function checkList(items: unknown[], key: string, allowEmpty: boolean, checkItem: Check): string[] {
  if (!allowEmpty && items.length === 0) {
    return [`${key} must not be empty`];
  }

  if (items.length > MAX_LIST_ITEMS) {
    return [`${key} has more than ${MAX_LIST_ITEMS} items`];
  }

  return items.flatMap((item, index) => checkItem(item, `${key}[${index}]`));
}

function proxmoxVms(value: unknown, key: string): string[] {
  if (!Array.isArray(value)) {
    return [`${key} must be an array of VM names or ids`];
  }

  return checkList(value, key, false, (item, itemKey) => {
    if (typeof item === 'number') {
      const valid = Number.isInteger(item) && item >= 1 && item <= MAX_PROXMOX_VM_ID;

      return valid ? [] : [`${itemKey} must be a VM id from 1 to ${MAX_PROXMOX_VM_ID}`];
    }

    return stringValue(checkName)(item, itemKey);
  });
}

function checkPort(value: unknown, key: string): string[] {
  const valid = typeof value === 'number' && Number.isInteger(value) && value >= 1;

  return valid && value <= 65535 ? [] : [`${key} must be an integer from 1 to 65535`];
}

function checkPattern(value: string): string | null {
  return (
    checkText(value, MAX_PATTERN_LENGTH) ??
    (value.startsWith('-') ? 'must not start with "-"' : null)
  );
}

function checkFolder(value: string): string | null {
  return (
    checkText(value, MAX_FOLDER_LENGTH) ??
    (value.startsWith('/') ? null : 'must be an absolute path starting with "/"')
  );
}

// database, user and VM names
function checkName(value: string): string | null {
  return (
    checkText(value, MAX_NAME_LENGTH) ?? (value.startsWith('-') ? 'must not start with "-"' : null)
  );
}

function checkPassword(value: string): string | null {
  if (value.length > MAX_PASSWORD_LENGTH) {
    return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  }

  return hasControlCharacters(value) ? 'must not contain control characters' : null;
}

function checkHost(value: string): string | null {
  return isHostnameOrIp(value) ? null : 'must be a host name or an IP address';
}

// Newlines are fine in a piped command (it may be a short script), a NUL byte never is.
function checkCommand(value: string): string | null {
  if (value.trim() === '') {
    return 'must not be empty';
  }

  if (value.length > MAX_COMMAND_LENGTH) {
    return `must be at most ${MAX_COMMAND_LENGTH} characters`;
  }

  return value.includes('\u0000') ? 'must not contain NUL characters' : null;
}

// The name the command's output gets inside the archive: relative, and without `.`/`..`
// segments, so it can never point outside the archive root.
function checkFilename(value: string): string | null {
  const valid =
    value.length > 0 &&
    value.length <= MAX_FILENAME_LENGTH &&
    value.split('/').every((segment) => FILENAME_SEGMENT.test(segment));

  return valid
    ? null
    : `must be a relative name of at most ${MAX_FILENAME_LENGTH} characters made of ` +
        'letters, digits, ".", "_", "+" and "-", with "/" between parts that do not start with "."';
}

function checkText(value: string, maxLength: number): string | null {
  if (value.length === 0) {
    return 'must not be empty';
  }

  if (value.length > maxLength) {
    return `must be at most ${maxLength} characters`;
  }

  return hasControlCharacters(value) ? 'must not contain control characters' : null;
}

function quote(key: string): string {
  return JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}...` : key);
}

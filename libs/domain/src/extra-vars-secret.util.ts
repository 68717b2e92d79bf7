export const EXTRA_VARS_SECRET_KEYS = ['password'] as const;

/** What the API shows instead of a secret, and what a client sends back to keep it unchanged. */
export const ENCRYPTED_PLACEHOLDER = '$encrypted$';

export function maskExtraVars(
  extraVars: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const masked = { ...extraVars };
  for (const key of EXTRA_VARS_SECRET_KEYS) {
    // an empty secret reveals nothing, and showing it lets the user see that none is set
    if (Object.hasOwn(masked, key) && masked[key] !== '' && masked[key] != null) {
      masked[key] = ENCRYPTED_PLACEHOLDER;
    }
  }

  return masked;
}

/**
 * Puts the stored secrets back where an update carries the placeholder, so that editing a
 * policy returned by the API does not replace its password with the text `$encrypted$`.
 */
export function unmaskExtraVars(
  incoming: Readonly<Record<string, unknown>>,
  stored: Readonly<Record<string, unknown>> | null,
): Record<string, unknown> {
  const merged = { ...incoming };
  for (const key of EXTRA_VARS_SECRET_KEYS) {
    if (merged[key] !== ENCRYPTED_PLACEHOLDER) {
      continue;
    }

    if (stored !== null && Object.hasOwn(stored, key)) {
      merged[key] = stored[key];
    } else {
      delete merged[key];
    }
  }

  return merged;
}

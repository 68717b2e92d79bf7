// C0 and C1 control characters, DEL, and the Unicode line and paragraph separators: none of
// them belong in a name, path or pattern, and several end a line in a shell or a log.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTERS.test(value);
}

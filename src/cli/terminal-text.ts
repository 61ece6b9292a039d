/**
 * A server's text as a terminal may show it: control characters (escape sequences that could move the
 * cursor, recolour or retitle the terminal) removed, newlines and tabs kept. Its own module so that the
 * no-terminal path does not load the prompt library.
 */

/** `value` without control characters other than newline and tab. */
export function plain(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

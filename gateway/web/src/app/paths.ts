/** Where the app may send the browser after a login or a password change (`?next=`). */

/**
 * `value` when it is a path on this site, else `fallback`. Refused: anything not starting with one "/", a second
 * "/" or a "\" right after it (browsers read "//host" and "/\host" as another site), and control characters
 * (a URL parser drops TAB/CR/LF, so "/\t/host" would become "//host").
 */
export function safeNext(value: string | null, fallback: string): string {
  if (!value || !value.startsWith("/")) return fallback;
  if (value[1] === "/" || value[1] === "\\") return fallback;
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\u0000-\u001f\u007f]/.test(value)) return fallback;
  return value;
}

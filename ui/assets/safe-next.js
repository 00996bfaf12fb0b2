// Where the login page may send the browser after signing in: a path on this site, never
// another origin. Browsers drop tabs and line breaks from a URL and read a backslash as a slash,
// so `/\tevil.example`-like values become `//evil.example`: any control character or backslash is
// refused outright, and what is left must resolve to this very origin.

/** `value` as path, query and fragment on `origin`; null when it is anything else. */
export function safeNext(value, origin) {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) return null;
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f\\]/.test(value)) return null;
  let url;
  try {
    url = new URL(value, origin);
  } catch {
    return null;
  }
  // `/.//evil.example` resolves to the path `//evil.example`, which the browser would read as another host.
  if (url.origin !== new URL(origin).origin || url.pathname.startsWith('//')) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** `value` as path, query and fragment on `origin`; null when it is anything else. */
export function safeNext(value: string | null | undefined, origin: string): string | null;

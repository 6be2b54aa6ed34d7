/** Deep equality of JSON-like values, as state holds them: enough for the providers' diffs. */
export const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

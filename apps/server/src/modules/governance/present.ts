/** Small pieces every governance presenter uses. */

/** A time as ISO 8601, or null. */
export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

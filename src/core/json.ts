/** Plain JSON values (parsed YAML, or an API server's answer): the one test for a map. */

/** A map: an object that is neither null nor an array. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

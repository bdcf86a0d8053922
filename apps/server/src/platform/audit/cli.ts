/** `onecity audit verify`: the human-readable report of a chain check. */
import type { AuditVerification } from './audit.ts';

/** One line per problem, or a single line saying the chain holds. */
export function formatVerification(result: AuditVerification): string {
  if (result.ok) return `audit log: ${result.entries} entries, chain intact`;
  const lines = result.problems.map((p) => `  entry ${p.seq}: ${p.kind} — ${p.detail}`);
  return `audit log: ${result.entries} entries, ${result.problems.length} problem(s):\n${lines.join('\n')}`;
}

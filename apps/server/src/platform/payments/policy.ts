/** Who may see a payment: the payer — the citizen themself, or a member acting for the paying enterprise. */
import type { Principal } from '../identity/principal.ts';
import type { Payer } from './payments.ts';

/**
 * Whether `principal` may read a payment of `payer`. A citizen's payment is theirs whichever
 * way they are acting; an enterprise's belongs to the enterprise, so any member acting for it
 * sees it (as with its applications), and the member who paid sees it only while acting for it.
 */
export function mayReadPayment(principal: Principal, payer: Payer): boolean {
  if (principal.kind !== 'citizen') return false;
  if (payer.kind === 'citizen') return principal.id === payer.id;
  return principal.actingFor?.enterpriseId === payer.id;
}

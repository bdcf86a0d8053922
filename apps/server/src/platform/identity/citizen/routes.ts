/** Identity routes for citizens: sign-in by code or passkey, session, profile, consent and "my data". */
import type { FastifyInstance } from 'fastify';
import { consentRoutes } from './consent.ts';
import { passkeyRoutes } from './passkeys.ts';
import { profileRoutes } from './profile.ts';
import { signInRoutes } from './sign-in-routes.ts';

/** Registers the citizen identity routes (mounted under /api/v1). */
export async function citizenRoutes(app: FastifyInstance) {
  await app.register(signInRoutes);
  await app.register(passkeyRoutes);
  await app.register(profileRoutes);
  await app.register(consentRoutes);
}

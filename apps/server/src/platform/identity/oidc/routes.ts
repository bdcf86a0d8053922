/** Single sign-on administration (mounted under /api/v1): registering relying parties. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../audit/index.ts';
import { access } from '../access.ts';
import { createOidcClient, OidcScopes } from './clients.ts';
import { issuerFor } from './provider.ts';

const NewClientBody = z.object({
  name: z.string().trim().min(1).max(100).describe('Shown to citizens on the consent page'),
  redirectUris: z
    .array(z.string().max(2000))
    .min(1)
    .max(10)
    .describe('Where authorization codes may be sent: https, or http on localhost'),
  scopes: z
    .array(z.enum(OidcScopes))
    .max(OidcScopes.length)
    .optional()
    .describe('Scopes the client may ask for; `openid` is always included (default: openid profile)'),
});

const CreatedClient = z.object({
  clientId: z.string(),
  clientSecret: z.string().describe('Shown only in this answer: store it now'),
  name: z.string(),
  redirectUris: z.array(z.string()),
  scopes: z.array(z.string()),
  issuer: z.string(),
  createdAt: z.string(),
});

/** Registers the single sign-on administration routes (mounted under /api/v1). */
export async function oidcRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/admin/oidc-clients',
    {
      config: { access: access.staff('platform_admin'), replay: false },
      schema: {
        tags: ['identity'],
        summary: 'Register a relying party for "Sign in with OneCity" (the secret is returned once)',
        body: NewClientBody,
        response: { 201: CreatedClient },
      },
    },
    async (request, reply) => {
      const { db, pii, config } = app.platform;
      const created = await db.transaction().execute(async (trx) => {
        const client = await createOidcClient(trx, pii, {
          ...request.body,
          createdBy: request.principal.kind === 'staff' ? request.principal.id : null,
        });
        await audit(trx, request, {
          action: 'oidc.client.created',
          subjectKind: 'oidc_client',
          subjectId: client.clientId,
          details: { name: client.name, redirectUris: client.redirectUris, scopes: client.scopes },
        });
        return client;
      });
      return reply.status(201).send({
        ...created,
        issuer: issuerFor(config.http.publicUrl),
        createdAt: created.createdAt.toISOString(),
      });
    },
  );
}

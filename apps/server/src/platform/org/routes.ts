/** `GET /cities/:city/departments[/:code]`: who does what in a city. */

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Department, DepartmentList } from '#contracts';
import { AppError } from '../http/errors.ts';
import { access } from '../identity/access.ts';
import { CityParams, cityOf, cityScope } from '../tenancy/scope.ts';
import { findDepartment, listDepartments } from './repository.ts';

const DepartmentParams = CityParams.extend({
  code: z.string().min(1).max(64).describe('Department code, e.g. `urban-management`'),
});

/** Registers the organisation routes (mounted under /api/v1). */
export async function orgRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/cities/:city/departments',
    {
      config: { access: access.public() },
      schema: {
        tags: ['org'],
        summary: "The city's departments, ordered by code",
        params: CityParams,
        response: { 200: DepartmentList },
      },
    },
    async (request) => ({ items: await listDepartments(app.platform.db, cityOf(request).id) }),
  );
  r.get(
    '/cities/:city/departments/:code',
    {
      config: { access: access.public() },
      schema: {
        tags: ['org'],
        summary: 'One department of the city (404 DEPARTMENT_NOT_FOUND if the city has no such code)',
        params: DepartmentParams,
        response: { 200: Department },
      },
    },
    async (request) => {
      const department = await findDepartment(app.platform.db, cityOf(request).id, request.params.code);
      if (!department) throw new AppError('DEPARTMENT_NOT_FOUND', { department: request.params.code });
      return department;
    },
  );
}

/** Organisation: the departments of a city. */
import { z } from 'zod';

/** A department (委办局) of one city. */
export const Department = z.object({
  id: z.uuid(),
  code: z.string().describe('Stable code, unique within the city, e.g. `urban-management`'),
  nameZh: z.string(),
  nameEn: z.string(),
  shortZh: z.string(),
  shortEn: z.string(),
  hotline: z.string().nullable().describe('Service hotline citizens know the department by, e.g. 12319'),
});
/** A department (委办局) of one city. */
export type Department = z.infer<typeof Department>;

/** `GET /api/v1/cities/{city}/departments`. */
export const DepartmentList = z.object({ items: z.array(Department) });
/** `GET /api/v1/cities/{city}/departments`. */
export type DepartmentList = z.infer<typeof DepartmentList>;

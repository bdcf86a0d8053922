/**
 * What the staff workbench's browser test needs from the server side: staff accounts with a
 * known password (and TOTP secret), a citizen's report with a photo, and a submitted
 * application — all made through the server's own functions and API on the test's database.
 */
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { insertTestStaff, type TestStaff } from '../apps/server/src/platform/identity/staff/test-support.ts';
import { signedInCitizen, type TestSignIn } from '../apps/server/src/testing/identity.ts';
import { demoServices, sampleApplication } from '../demo/services.ts';

const CITY = '/api/v1/cities/lingnan';

/** A staff member of `departmentCode` with a known password; `firstTime` must change it and set up TOTP. */
export async function staffMember(
  app: FastifyInstance,
  departmentCode: string,
  options: { firstTime?: boolean; roles?: ('clerk' | 'supervisor' | 'field_crew')[] } = {},
): Promise<TestStaff> {
  const staff = await insertTestStaff(app, {
    departmentCode,
    roles: options.roles ?? ['clerk', 'supervisor'],
    password: 'initial password 2026',
    mustChangePassword: options.firstTime ?? false,
    totp: !options.firstTime,
  });
  await app.platform.db
    .updateTable('staff')
    .set({ display_name: options.firstTime ? '陈静' : '刘洋' })
    .where('id', '=', staff.id)
    .execute();
  return staff;
}

/** A JPEG of `width` × `height` with a little structure (a photo of the result, say). */
export function jpeg(width = 640, height = 480, colour = { r: 90, g: 120, b: 150 }): Promise<Buffer> {
  const stripe = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect x="0" y="${height / 2}" width="${width}" height="${height / 6}" fill="#dddddd"/></svg>`,
  );
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .composite([{ input: stripe }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** A signed-in citizen. */
export function citizen(app: FastifyInstance, name: string): Promise<TestSignIn> {
  const { db, config, clock } = app.platform;
  const phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  return signedInCitizen(db, config, clock, { name, phone });
}

/** A citizen reports a blocked fire lane with a photo (the fire brigade's queue); answers the tracking number. */
export async function reportBlockedFireLane(app: FastifyInstance, who: TestSignIn, offset: number): Promise<string> {
  const upload = await app.inject({
    method: 'POST',
    url: `${CITY}/uploads`,
    headers: { ...who.write, 'content-type': 'image/jpeg' },
    payload: await jpeg(800, 600, { r: 60, g: 60, b: 70 }),
  });
  if (upload.statusCode !== 201) throw new Error(`upload: ${upload.statusCode} ${upload.body}`);
  const res = await app.inject({
    method: 'POST',
    url: `${CITY}/reports`,
    headers: who.write,
    payload: {
      categoryCode: 'fire-lane-blocked',
      description: '小区消防通道被私家车堵住，消防车进不来',
      address: '岭南大道 88 号东门',
      lat: 23.13 + 0.0007 * offset,
      lon: 113.3 + 0.0005 * offset,
      photoIds: [upload.json().id],
    },
  });
  if (res.statusCode !== 201) throw new Error(`report: ${res.statusCode} ${res.body}`);
  return res.json().trackingNo;
}

/** A citizen applies for `serviceCode` (a service needing no uploads) and submits; answers the application id. */
export async function submitApplication(app: FastifyInstance, who: TestSignIn, serviceCode: string): Promise<string> {
  const spec = demoServices.find((s) => s.code === serviceCode);
  if (!spec) throw new Error(`no demo service ${serviceCode}`);
  const inject = (method: 'POST' | 'PUT', url: string, payload?: object) =>
    app.inject({ method, url, headers: who.write, ...(payload ? { payload } : {}) });
  const created = await inject('POST', `${CITY}/services/${serviceCode}/applications`);
  if (created.statusCode !== 201) throw new Error(`draft: ${created.statusCode} ${created.body}`);
  const id = created.json().id as string;
  const answers = {
    ...sampleApplication(spec.form),
    applicantName: '王芳',
    location: '岭南市越秀区北京路 120 号商场三楼',
    description: '安全出口被货物堵住，消防通道不畅通',
  };
  const saved = await inject('PUT', `/api/v1/me/applications/${id}/answers`, { answers });
  if (saved.statusCode !== 200) throw new Error(`answers: ${saved.statusCode} ${saved.body}`);
  const submitted = await inject('POST', `/api/v1/me/applications/${id}/submit`);
  if (submitted.statusCode !== 200) throw new Error(`submit: ${submitted.statusCode} ${submitted.body}`);
  return id;
}

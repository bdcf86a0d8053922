/**
 * A complete sample application for any form of the catalog: the first option of a choice, the
 * smallest allowed number, a realistic value for every pattern the forms use. Tests and
 * benchmarks fill forms with it.
 */
import type { FormField, FormObject, FormSchema } from './model.ts';

/** Sample values for the patterns forms use, so that a sample application can be built. */
const patternSamples: Record<string, string> = {
  '^\\d{17}[\\dX]$': '44010319900101123X',
  '^1\\d{10}$': '13800138000',
  '^[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}$': '91440101MA59ABCD1X',
  '^\\d{4}-\\d{2}-\\d{2}$': '2026-03-02',
  '^\\d{12,19}$': '6222020200112233445',
  '^[\\u4e00-\\u9fa5][A-Z][A-Z0-9]{5,6}$': '粤A12345',
  '^[A-HJ-NPR-Z0-9]{17}$': 'LSVAU2180N2123456',
  '^\\d{15}$': '156100000123456',
  '^\\d{12}$': '440100123456',
  '^\\d{17}[\\dX]\\d{2}$': '44010319900101123X42',
  '^\\d{10,20}$': '1234567890123',
  '^\\d{8,12}$': '0012345678',
  '^\\d{4}-\\d{6}-\\d{2}-\\d{2}-\\d{6}$': '2026-440103-47-01-123456',
  '^\\d{4}-(0[1-9]|1[0-2])$': '2026-02',
  '^[0-9A-Z]{10}$': '4401960ABC',
};

/** A value that satisfies `field` (first option, smallest allowed number, a sample for a pattern). */
function sampleOf(field: FormField | FormObject): unknown {
  if (field.type === 'object') {
    return Object.fromEntries(Object.entries(field.properties).map(([k, f]) => [k, sampleOf(f)]));
  }
  if (field.oneOf) return field.oneOf[0]?.const;
  switch (field.type) {
    case 'string':
      if (field.pattern) {
        const sample = patternSamples[field.pattern];
        if (sample === undefined) throw new Error(`no sample for pattern ${field.pattern}`);
        return sample;
      }
      return '测试';
    case 'integer':
    case 'number':
      return Math.max(field.minimum ?? 0, Math.min(field.maximum ?? 2026, 2026));
    case 'boolean':
      return true;
    case 'array':
      return field.items ? [sampleOf(field.items)] : [];
  }
}

/** A sample answer for every field of `form`. */
export const sampleApplication = (form: FormSchema): Record<string, unknown> =>
  Object.fromEntries(Object.entries(form.properties).map(([k, f]) => [k, sampleOf(f)]));

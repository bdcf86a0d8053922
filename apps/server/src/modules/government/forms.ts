/**
 * Application forms are JSON Schema (draft 2020-12) documents stored with each service
 * version. They are compiled once per version with Ajv in strict mode, with OneCity's own
 * keywords (English titles, pre-fill sources, bundle mappings) declared, so that a typo in a
 * form is caught when an administrator saves it, not when a citizen applies.
 */

import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { FormKeywords, type FormSchema, PrefillPaths } from '#contracts';

const ajv = new Ajv2020({ strict: true, allErrors: true, formats: { date: dateFormat, email: emailFormat } });
ajv.addVocabulary([...FormKeywords]);

function dateFormat(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
}

function emailFormat(value: string): boolean {
  return /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/.test(value);
}

/**
 * Compiled forms by their JSON text: every read of a service version parses a new object, and
 * compiling costs far more than serialising. Bounded: a catalog has a few thousand forms.
 */
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 5000;

/** A problem found in a form or in answers to it, in both languages. */
export interface FormProblem {
  field: string;
  zh: string;
  en: string;
}

/** Compiles `form` (cached); throws Ajv's error when it is not a valid strict JSON Schema. */
export function compileForm(form: FormSchema): ValidateFunction {
  const key = JSON.stringify(form);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(form);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, validate);
  }
  return validate;
}

const prefill = new Set<string>(PrefillPaths);

/** Checks that `form` is a usable application form; returns the problems (empty when it is). */
export function checkForm(form: FormSchema, path = 'form'): FormProblem[] {
  const problems: FormProblem[] = [];
  for (const name of form.required) {
    if (!(name in form.properties)) {
      problems.push({
        field: `${path}.required`,
        zh: `必填项“${name}”不在表单字段中`,
        en: `required field "${name}" is not a property`,
      });
    }
  }
  for (const [name, field] of Object.entries(form.properties)) {
    const source = field['x-prefill'];
    if (source !== undefined && (typeof source !== 'string' || !prefill.has(source))) {
      problems.push({
        field: `${path}.properties.${name}.x-prefill`,
        zh: `未知的预填来源“${String(source)}”`,
        en: `unknown pre-fill source "${String(source)}"`,
      });
    }
    if (typeof field.title !== 'string' || typeof field['x-title-en'] !== 'string') {
      problems.push({
        field: `${path}.properties.${name}`,
        zh: '每个字段都要有中文标题（title）和英文标题（x-title-en）',
        en: 'every field needs a Chinese title (title) and an English one (x-title-en)',
      });
    }
  }
  // Only a form without the problems above is compiled: they would fail it with a less helpful message.
  if (problems.length) return problems;
  try {
    compileForm(form);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problems.push({ field: path, zh: `不是有效的 JSON Schema：${message}`, en: `not a valid JSON Schema: ${message}` });
  }
  return problems;
}

/** Validates answers against a form; returns the problems, one per field, in both languages. */
export function checkAnswers(form: FormSchema, answers: unknown): FormProblem[] {
  const validate = compileForm(form);
  if (validate(answers)) return [];
  return (validate.errors ?? []).map((e) => answerProblem(form, e));
}

function answerProblem(form: FormSchema, error: ErrorObject): FormProblem {
  const segments = error.instancePath.split('/').filter(Boolean);
  const missing = error.keyword === 'required' ? String(error.params.missingProperty) : undefined;
  const name = missing ?? segments[0] ?? '';
  const field = form.properties[name];
  const zhTitle = typeof field?.title === 'string' ? field.title : name;
  const enTitle = typeof field?.['x-title-en'] === 'string' ? field['x-title-en'] : name;
  const path = ['answers', ...segments, ...(missing ? [missing] : [])].join('.');
  switch (error.keyword) {
    case 'required':
      return { field: path, zh: `请填写“${zhTitle}”`, en: `"${enTitle}" is required` };
    case 'additionalProperties':
      return {
        field: `answers.${String(error.params.additionalProperty)}`,
        zh: '表单中没有这一项',
        en: 'the form has no such field',
      };
    case 'type':
      return { field: path, zh: `“${zhTitle}”的类型不对`, en: `"${enTitle}" has the wrong type` };
    case 'pattern':
    case 'format':
      return { field: path, zh: `“${zhTitle}”的格式不对`, en: `"${enTitle}" is not in the expected format` };
    case 'oneOf':
    case 'const':
    case 'enum':
      return { field: path, zh: `请从“${zhTitle}”的选项中选择`, en: `choose one of the options of "${enTitle}"` };
    case 'minLength':
    case 'minimum':
    case 'minItems':
      return { field: path, zh: `“${zhTitle}”太短或太小`, en: `"${enTitle}" is too short or too small` };
    case 'maxLength':
    case 'maximum':
    case 'maxItems':
      return { field: path, zh: `“${zhTitle}”太长或太大`, en: `"${enTitle}" is too long or too large` };
    default:
      return { field: path, zh: `“${zhTitle}”填写有误`, en: `"${enTitle}" is not valid` };
  }
}

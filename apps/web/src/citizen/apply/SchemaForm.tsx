/**
 * An application form drawn from the service's JSON Schema: the subset the catalog's forms use
 * (flat objects of text, pattern-checked text, dates, whole and decimal numbers, yes/no,
 * labelled choices as `oneOf`, several choices as an array of them, and lists of small objects).
 * Labels are the schema's titles in the user's language; values pre-filled from the profile say
 * so; the server's field errors (`answers.<field>[.<index>.<field>]`) show at their field.
 * Native inputs throughout: they work with every keyboard, screen reader and phone.
 */
import { AddOutline, CheckCircleFill, DeleteOutline } from 'antd-mobile-icons';
import { Fragment, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useSettings } from '../../shared/settings.ts';

/** One labelled choice. */
interface Option {
  const: string;
  title?: string;
  'x-title-en'?: string;
}

/** The part of JSON Schema the forms use. */
export interface FieldSchema {
  type?: string;
  title?: string;
  'x-title-en'?: string;
  'x-prefill'?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  oneOf?: Option[];
  enum?: string[];
  items?: FieldSchema;
  properties?: Record<string, FieldSchema>;
  required?: string[];
}

/** A form: an object of fields. */
export interface ObjectSchema {
  title?: string;
  'x-title-en'?: string;
  properties: Record<string, FieldSchema>;
  required: string[];
}

/** Answers by field name. */
export type Answers = Record<string, unknown>;

/** The field's label in the user's language. */
export function titleOf(schema: { title?: string; 'x-title-en'?: string }, language: string, fallback: string) {
  return (language === 'en' ? schema['x-title-en'] : schema.title) ?? fallback;
}

function optionsOf(schema: FieldSchema): Option[] {
  if (schema.oneOf) return schema.oneOf;
  if (schema.enum) return schema.enum.map((value) => ({ const: value, title: value, 'x-title-en': value }));
  return [];
}

/**
 * The fields of an object in the order the form was written: stored forms lose their key order
 * (PostgreSQL's jsonb sorts keys), but `required` keeps it; optional fields follow.
 */
export function orderedFields<T>(properties: Record<string, T>, required: string[] = []): [string, T][] {
  const names = [
    ...required.filter((n) => n in properties),
    ...Object.keys(properties).filter((n) => !required.includes(n)),
  ];
  return names.map((n) => [n, properties[n] as T]);
}

/** The id of the input of the field at `path` (so that a summary of errors can link to it). */
export function fieldId(prefix: string, path: string): string {
  return `${prefix}-${path.replace(/[^a-zA-Z0-9]/g, '-')}`;
}

/** Whether text of this shape is typed on a number pad. */
function numericPattern(pattern: string | undefined): boolean {
  return pattern !== undefined && /^\^(\\d|\[0-9\]|1\\d)/.test(pattern) && !pattern.includes('A-Z');
}

interface FieldProps {
  prefix: string;
  path: string;
  name: string;
  schema: FieldSchema;
  required: boolean;
  value: unknown;
  onChange: (value: unknown) => void;
  errors: Map<string, string>;
  prefilledFrom?: string;
  disabled?: boolean;
}

function Label({ htmlFor, text, required }: { htmlFor?: string; text: string; required: boolean }) {
  const { t } = useTranslation('government');
  const content = (
    <>
      {text}
      {required ? null : <span className="gov-field__optional"> {t('form.optional')}</span>}
    </>
  );
  return htmlFor ? (
    <label htmlFor={htmlFor} className="field__label">
      {content}
    </label>
  ) : (
    <legend className="field__label">{content}</legend>
  );
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="gov-field__error" id={id}>
      {message}
    </p>
  );
}

function Prefilled({ id }: { id: string }) {
  const { t } = useTranslation('government');
  return (
    <p className="gov-field__prefilled" id={id}>
      <CheckCircleFill aria-hidden="true" />
      {t('form.prefilled')}
    </p>
  );
}

/** One field of the form. */
function Field(props: FieldProps) {
  const { t } = useTranslation('government');
  const { language } = useSettings();
  const { prefix, path, name, schema, required, value, onChange, errors, prefilledFrom, disabled } = props;
  const id = fieldId(prefix, path);
  const label = titleOf(schema, language, name);
  const error = errors.get(path);
  const errorId = `${id}-error`;
  const prefilledId = `${id}-prefilled`;
  const describedBy = [prefilledFrom ? prefilledId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  const invalid = error ? true : undefined;
  const options = optionsOf(schema);

  if (schema.type === 'boolean') {
    return (
      <div className="field gov-field">
        <label className="gov-check gov-check--block" htmlFor={id}>
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            disabled={disabled}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(e) => onChange(e.target.checked)}
          />
          <span>{label}</span>
        </label>
        <FieldError id={errorId} message={error} />
      </div>
    );
  }

  if (schema.type === 'array' && schema.items && optionsOf(schema.items).length > 0) {
    const chosen = Array.isArray(value) ? (value as string[]) : [];
    return (
      <fieldset className="field gov-field gov-fieldset" aria-describedby={describedBy} id={id} tabIndex={-1}>
        <Label text={label} required={required} />
        <div className="gov-choices">
          {optionsOf(schema.items).map((o) => (
            <label key={o.const} className="gov-check">
              <input
                type="checkbox"
                checked={chosen.includes(o.const)}
                disabled={disabled}
                onChange={(e) =>
                  onChange(e.target.checked ? [...chosen, o.const] : chosen.filter((c) => c !== o.const))
                }
              />
              <span>{titleOf(o, language, o.const)}</span>
            </label>
          ))}
        </div>
        <FieldError id={errorId} message={error} />
      </fieldset>
    );
  }

  if (schema.type === 'array' && schema.items?.properties) {
    const item = schema.items;
    const properties = item.properties ?? {};
    const rows = Array.isArray(value) ? (value as Answers[]) : [];
    const list = rows.length ? rows : [{}];
    const itemLabel = titleOf(item, language, name);
    return (
      <fieldset className="field gov-field gov-fieldset" aria-describedby={describedBy} id={id} tabIndex={-1}>
        <Label text={label} required={required} />
        {list.map((row, index) => (
          // Rows have no identity of their own but their place.
          // biome-ignore lint/suspicious/noArrayIndexKey: a row is its position in the list
          <fieldset key={index} className="gov-row">
            <legend className="gov-row__title">{t('form.row', { name: itemLabel, number: index + 1 })}</legend>
            {orderedFields(properties, item.required).map(([key, child]) => (
              <Field
                key={key}
                prefix={prefix}
                path={`${path}.${index}.${key}`}
                name={key}
                schema={child}
                required={(item.required ?? []).includes(key)}
                value={row[key]}
                disabled={disabled}
                errors={errors}
                onChange={(v) => {
                  const next = list.map((r, i) => (i === index ? withValue(r, key, v) : r));
                  onChange(next);
                }}
              />
            ))}
            {list.length > 1 ? (
              <button
                type="button"
                className="text-button gov-row__remove"
                disabled={disabled}
                onClick={() => onChange(list.filter((_, i) => i !== index))}
              >
                <DeleteOutline aria-hidden="true" className="button-icon" />
                {t('form.removeRow', { name: itemLabel, number: index + 1 })}
              </button>
            ) : null}
          </fieldset>
        ))}
        <button type="button" className="text-button" disabled={disabled} onClick={() => onChange([...list, {}])}>
          <AddOutline aria-hidden="true" className="button-icon" />
          {t('form.addRow', { name: itemLabel })}
        </button>
        <FieldError id={errorId} message={error} />
      </fieldset>
    );
  }

  if (options.length > 0 && options.length <= 5) {
    return (
      <fieldset className="field gov-field gov-fieldset" aria-describedby={describedBy} id={id} tabIndex={-1}>
        <Label text={label} required={required} />
        {prefilledFrom ? <Prefilled id={prefilledId} /> : null}
        <div className="gov-choices">
          {options.map((o) => (
            <label key={o.const} className="gov-check">
              <input
                type="radio"
                name={id}
                value={o.const}
                checked={value === o.const}
                disabled={disabled}
                onChange={() => onChange(o.const)}
              />
              <span>{titleOf(o, language, o.const)}</span>
            </label>
          ))}
        </div>
        <FieldError id={errorId} message={error} />
      </fieldset>
    );
  }

  let input: React.ReactNode;
  const common = {
    id,
    disabled,
    'aria-invalid': invalid,
    'aria-describedby': describedBy,
    'aria-required': required || undefined,
  };
  if (options.length > 0) {
    input = (
      <select
        {...common}
        className="field__input gov-select"
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => onChange(e.target.value || undefined)}
      >
        <option value="">{t('form.choose')}</option>
        {options.map((o) => (
          <option key={o.const} value={o.const}>
            {titleOf(o, language, o.const)}
          </option>
        ))}
      </select>
    );
  } else if (schema.type === 'integer' || schema.type === 'number') {
    input = (
      <input
        {...common}
        className="field__input"
        type="number"
        inputMode={schema.type === 'integer' ? 'numeric' : 'decimal'}
        step={schema.type === 'integer' ? 1 : 'any'}
        min={schema.minimum}
        max={schema.maximum}
        value={typeof value === 'number' ? value : typeof value === 'string' ? value : ''}
        onChange={(e) => {
          const text = e.target.value;
          if (text === '') onChange(undefined);
          else {
            const n = Number(text);
            onChange(Number.isFinite(n) ? n : text);
          }
        }}
      />
    );
  } else if (schema.format === 'date') {
    input = (
      <input
        {...common}
        className="field__input"
        type="date"
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => onChange(e.target.value || undefined)}
      />
    );
  } else if ((schema.maxLength ?? 0) > 200) {
    input = (
      <textarea
        {...common}
        className="field__input gov-textarea"
        rows={4}
        maxLength={schema.maxLength}
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      />
    );
  } else {
    input = (
      <input
        {...common}
        className="field__input"
        type={schema.format === 'email' ? 'email' : 'text'}
        inputMode={numericPattern(schema.pattern) ? 'numeric' : undefined}
        autoComplete="off"
        maxLength={schema.maxLength}
        value={typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      />
    );
  }
  return (
    <div className="field gov-field">
      <Label htmlFor={id} text={label} required={required} />
      {input}
      {prefilledFrom ? <Prefilled id={prefilledId} /> : null}
      <FieldError id={errorId} message={error} />
    </div>
  );
}

function withValue(answers: Answers, key: string, value: unknown): Answers {
  const next = { ...answers };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** The whole form. */
export function SchemaForm({
  schema,
  values,
  onChange,
  errors,
  prefilled = {},
  disabled,
  prefix,
}: {
  schema: ObjectSchema;
  values: Answers;
  onChange: (values: Answers) => void;
  errors: Map<string, string>;
  prefilled?: Record<string, string>;
  disabled?: boolean;
  prefix?: string;
}) {
  const generated = useId();
  const idPrefix = prefix ?? `f${generated.replace(/[^a-zA-Z0-9]/g, '')}`;
  return (
    <div className="gov-form">
      {orderedFields(schema.properties, schema.required).map(([name, field]) => (
        <Fragment key={name}>
          <Field
            prefix={idPrefix}
            path={name}
            name={name}
            schema={field}
            required={schema.required.includes(name)}
            value={values[name]}
            errors={errors}
            disabled={disabled}
            prefilledFrom={prefilled[name]}
            onChange={(value) => onChange(withValue(values, name, value))}
          />
        </Fragment>
      ))}
    </div>
  );
}

/** The server's field errors as the form shows them: `answers.a.0.b` → `a.0.b`; others (materials) apart. */
export function splitErrors(errors: { field: string; message: string }[]): {
  fields: Map<string, string>;
  other: { field: string; message: string }[];
} {
  const fields = new Map<string, string>();
  const other: { field: string; message: string }[] = [];
  for (const e of errors) {
    const m = /(?:^|\.)answers\.(.+)$/.exec(e.field);
    if (m?.[1] && !fields.has(m[1])) fields.set(m[1], e.message);
    else if (!m) other.push(e);
  }
  return { fields, other };
}

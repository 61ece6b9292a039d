/**
 * Checks an elicitation answer against the form the server asked for (`requestedSchema`): every required
 * field present, each value of its field's type and within its bounds (string length and format, number
 * range and integer-ness, enum and multi-select choices, item counts), and no field the form does not have.
 * A form shown to a person checks each field as it is typed; this is the check of the whole answer.
 */
import type { ElicitRequestFormParams } from '@modelcontextprotocol/client';

import type { ElicitValue } from './schema-defaults.js';

export type RequestedSchema = ElicitRequestFormParams['requestedSchema'];
export type FormField = RequestedSchema['properties'][string];

/** One choice of a select field: the value sent and the label shown. */
export interface FieldChoice {
  value: string;
  label: string;
}

/** The choices of a single-select string field (plain, titled `oneOf` or legacy `enumNames`), if it is one. */
export function singleChoices(field: FormField): FieldChoice[] | undefined {
  if (field.type !== 'string') return undefined;
  if ('oneOf' in field && Array.isArray(field.oneOf)) {
    return field.oneOf.map((option) => ({ value: option.const, label: option.title }));
  }
  if ('enum' in field && Array.isArray(field.enum)) {
    const names = 'enumNames' in field && Array.isArray(field.enumNames) ? field.enumNames : [];
    return field.enum.map((value, index) => ({ value, label: names[index] ?? value }));
  }
  return undefined;
}

/** The choices of a multi-select array field (plain `items.enum` or titled `items.anyOf`). */
export function multiChoices(field: FormField): FieldChoice[] | undefined {
  if (field.type !== 'array') return undefined;
  const items = field.items as { enum?: string[]; anyOf?: { const: string; title: string }[] };
  if (Array.isArray(items.anyOf)) return items.anyOf.map((option) => ({ value: option.const, label: option.title }));
  if (Array.isArray(items.enum)) return items.enum.map((value) => ({ value, label: value }));
  return undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function formatProblem(format: string, value: string): string | undefined {
  switch (format) {
    case 'email':
      return EMAIL.test(value) ? undefined : 'is not an email address';
    case 'uri':
      return URL.canParse(value) ? undefined : 'is not an absolute URI';
    case 'date': {
      const match = DATE.exec(value);
      const day = match === null ? undefined : new Date(`${value}T00:00:00Z`);
      return day !== undefined && !Number.isNaN(day.getTime()) && day.toISOString().startsWith(value)
        ? undefined
        : 'is not a date (YYYY-MM-DD)';
    }
    case 'date-time':
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : 'is not a date and time (ISO 8601, e.g. 2026-07-28T09:30:00Z)';
    default:
      return undefined;
  }
}

/** What is wrong with `value` as the answer to `field`, or undefined when it fits. */
export function fieldProblem(field: FormField, value: unknown): string | undefined {
  switch (field.type) {
    case 'string': {
      if (typeof value !== 'string') return 'must be text';
      const choices = singleChoices(field);
      if (choices !== undefined) {
        return choices.some((choice) => choice.value === value)
          ? undefined
          : `must be one of ${choices.map((choice) => choice.value).join(', ')}`;
      }
      const { minLength, maxLength, format } = field as { minLength?: number; maxLength?: number; format?: string };
      if (minLength !== undefined && value.length < minLength) return `must be at least ${minLength} characters`;
      if (maxLength !== undefined && value.length > maxLength) return `must be at most ${maxLength} characters`;
      return format === undefined ? undefined : formatProblem(format, value);
    }
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      if (field.type === 'integer' && !Number.isInteger(value)) return 'must be a whole number';
      if (field.minimum !== undefined && value < field.minimum) return `must be at least ${field.minimum}`;
      if (field.maximum !== undefined && value > field.maximum) return `must be at most ${field.maximum}`;
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'array': {
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return 'must be a list of choices';
      const choices = multiChoices(field) ?? [];
      const unknown = value.find((item) => !choices.some((choice) => choice.value === item));
      if (unknown !== undefined) return `has '${unknown}', which is not one of its choices`;
      if (new Set(value).size !== value.length) return 'lists a choice twice';
      const { minItems, maxItems } = field as { minItems?: number; maxItems?: number };
      if (minItems !== undefined && value.length < minItems) return `needs at least ${minItems} choice(s)`;
      if (maxItems !== undefined && value.length > maxItems) return `allows at most ${maxItems} choice(s)`;
      return undefined;
    }
    default:
      return `has a type this client cannot fill in (${(field as { type: string }).type})`;
  }
}

/** Each problem of `content` as an answer to `schema`, one line per field (empty when it fits). */
export function elicitContentProblems(schema: RequestedSchema, content: Record<string, ElicitValue>): string[] {
  const properties = schema.properties ?? {};
  const problems: string[] = [];
  for (const name of schema.required ?? []) {
    if (!(name in content)) problems.push(`${name}: is required`);
  }
  for (const [name, value] of Object.entries(content)) {
    const field = properties[name];
    if (field === undefined) {
      problems.push(`${name}: is not a field of the form`);
      continue;
    }
    const problem = fieldProblem(field, value);
    if (problem !== undefined) problems.push(`${name}: ${problem}`);
  }
  return problems;
}

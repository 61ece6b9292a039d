/**
 * The answer an elicitation form gets when nobody fills it in: each field's `default` from the server's
 * `requestedSchema` (SEP-1034), for the fields that have one and whose default fits the field's type.
 * A host that answers without a person (the conformance client) accepts with these values; a form shown
 * to a person can start from them.
 */
import type { ElicitRequestFormParams } from '@modelcontextprotocol/client';

/** A value an elicitation form field may hold. */
export type ElicitValue = string | number | boolean | string[];

type Field = ElicitRequestFormParams['requestedSchema']['properties'][string];

function fits(field: Field, value: unknown): value is ElicitValue {
  switch (field.type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    default:
      return false;
  }
}

/** The defaults a form's fields declare, by field name; a default that does not fit its field is left out. */
export function elicitationDefaults(schema: ElicitRequestFormParams['requestedSchema']): Record<string, ElicitValue> {
  const values: Record<string, ElicitValue> = {};
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const value = (field as { default?: unknown }).default;
    if (value !== undefined && fits(field, value)) values[name] = value;
  }
  return values;
}

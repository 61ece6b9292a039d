/**
 * Answers a server's `elicitation/create` on a terminal, with @clack/prompts on stderr (stdout stays the
 * command's output). Form mode: the server's message, then one prompt per field (text with its format and
 * length, numbers with their bounds, yes/no, single and multi select with titled choices), each starting
 * from the field's default and checked as it is typed; the whole answer is checked against the requested
 * schema before it is sent. URL mode: the address and its host, and consent before it is opened in the
 * system browser (or printed when none can be opened). Decline is a choice; Esc or Ctrl-C cancels.
 * Elicitations arriving together (a 2026-era round may carry several) are asked one after another.
 */
import type { Readable, Writable } from 'node:stream';

import type { ElicitRequestFormParams, ElicitRequestURLParams, ElicitResult } from '@modelcontextprotocol/client';
import { confirm, isCancel, log, multiselect, note, select, text } from '@clack/prompts';

import type { ElicitationHandler } from '../client/connect/session.js';
import { elicitationDefaults, type ElicitValue } from '../client/elicitation/schema-defaults.js';
import {
  elicitContentProblems,
  fieldProblem,
  multiChoices,
  singleChoices,
  type FormField,
} from '../client/elicitation/validate-content.js';
import { openInBrowser } from './open-browser.js';
import { plain } from './terminal-text.js';

export interface TerminalElicitationOptions {
  input?: NodeJS.ReadableStream & Readable;
  output?: Writable;
  /** Opens a URL-mode elicitation's address; false when it cannot. Default: the system browser. */
  openUrl?: (url: string) => Promise<boolean>;
}

/** The value of the "leave it empty" choice of an optional select (no choice value can contain NUL). */
const SKIP = '\u0000skip';

function fieldLabel(name: string, field: FormField, required: boolean): string {
  const title = plain(field.title ?? name);
  const about = field.description === undefined ? '' : ` - ${plain(field.description)}`;
  return `${title}${about}${required ? '' : ' (optional)'}`;
}

function numberFrom(field: FormField, typed: string): number | string {
  const value = Number(typed.trim());
  if (typed.trim() === '' || !Number.isFinite(value)) return 'must be a number';
  return fieldProblem(field, value) ?? value;
}

function formatHint(field: FormField): string | undefined {
  const format = (field as { format?: string }).format;
  switch (format) {
    case 'email':
      return 'name@example.com';
    case 'uri':
      return 'https://…';
    case 'date':
      return 'YYYY-MM-DD';
    case 'date-time':
      return 'YYYY-MM-DDTHH:MM:SSZ';
    default:
      return undefined;
  }
}

type Asked = { value: ElicitValue } | { skipped: true } | { cancelled: true };

export function createTerminalElicitation(options: TerminalElicitationOptions = {}): ElicitationHandler {
  const output = options.output ?? process.stderr;
  const io = { output, ...(options.input !== undefined && { input: options.input }) };
  const openUrl = options.openUrl ?? ((url: string) => openInBrowser(url));

  async function askField(
    name: string,
    field: FormField,
    required: boolean,
    initial: ElicitValue | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Asked> {
    const message = fieldLabel(name, field, required);
    const common = { ...io, ...(signal !== undefined && { signal }) };
    const single = singleChoices(field);
    const multi = multiChoices(field);
    if (single !== undefined) {
      const choices = single.map((choice) => ({ value: choice.value, label: plain(choice.label) }));
      const answer = await select<string>({
        message,
        options: required ? choices : [...choices, { value: SKIP, label: '(leave empty)' }],
        ...(typeof initial === 'string' && { initialValue: initial }),
        ...common,
      });
      if (isCancel(answer)) return { cancelled: true };
      return answer === SKIP ? { skipped: true } : { value: answer };
    }
    if (multi !== undefined) {
      for (;;) {
        const answer = await multiselect<string>({
          message,
          options: multi.map((choice) => ({ value: choice.value, label: plain(choice.label) })),
          initialValues: Array.isArray(initial) ? initial : [],
          required: ((field as { minItems?: number }).minItems ?? 0) > 0,
          ...common,
        });
        if (isCancel(answer)) return { cancelled: true };
        const problem = fieldProblem(field, answer);
        if (problem === undefined) return !required && answer.length === 0 ? { skipped: true } : { value: answer };
        log.warn(`${plain(field.title ?? name)} ${problem}`, { output });
      }
    }
    if (field.type === 'boolean') {
      const answer = await confirm({
        message,
        initialValue: typeof initial === 'boolean' ? initial : false,
        ...common,
      });
      return isCancel(answer) ? { cancelled: true } : { value: answer };
    }
    const numeric = field.type === 'number' || field.type === 'integer';
    const hint = numeric
      ? [field.minimum, field.maximum].some((bound) => bound !== undefined)
        ? `${field.minimum ?? '…'} to ${field.maximum ?? '…'}${field.type === 'integer' ? ', whole number' : ''}`
        : undefined
      : formatHint(field);
    const typed = await text({
      message: hint === undefined ? message : `${message} [${hint}]`,
      ...(initial !== undefined && { initialValue: String(initial) }),
      validate: (value) => {
        if ((value ?? '') === '') return required ? 'this field is required' : undefined;
        if (numeric) {
          const parsed = numberFrom(field, value ?? '');
          return typeof parsed === 'string' ? parsed : undefined;
        }
        return fieldProblem(field, value);
      },
      ...common,
    });
    if (isCancel(typed)) return { cancelled: true };
    if (typed === '') return { skipped: true };
    return { value: numeric ? (numberFrom(field, typed) as number) : typed };
  }

  async function form(params: ElicitRequestFormParams, signal: AbortSignal | undefined): Promise<ElicitResult> {
    const common = { ...io, ...(signal !== undefined && { signal }) };
    note(plain(params.message), 'The server asks for input', { output });
    const start = await select({
      message: 'Answer the server?',
      options: [
        { value: 'fill', label: 'Fill in the form' },
        { value: 'decline', label: 'Decline' },
      ],
      ...common,
    });
    if (isCancel(start)) return { action: 'cancel' };
    if (start === 'decline') return { action: 'decline' };
    const schema = params.requestedSchema;
    const required = new Set(schema.required ?? []);
    const defaults = elicitationDefaults(schema);
    const content: Record<string, ElicitValue> = {};
    for (const [name, field] of Object.entries(schema.properties ?? {})) {
      const asked = await askField(name, field, required.has(name), defaults[name], signal);
      if ('cancelled' in asked) return { action: 'cancel' };
      if ('value' in asked) content[name] = asked.value;
    }
    const problems = elicitContentProblems(schema, content);
    if (problems.length > 0) {
      // Each field was checked as it was typed; a schema this form cannot satisfy ends here.
      log.error(`the answer does not fit the server's form: ${problems.join('; ')}`, { output });
      return { action: 'decline' };
    }
    return { action: 'accept', content };
  }

  async function url(params: ElicitRequestURLParams, signal: AbortSignal | undefined): Promise<ElicitResult> {
    let address: URL | undefined;
    try {
      address = new URL(params.url);
    } catch {
      address = undefined;
    }
    if (address === undefined || (address.protocol !== 'https:' && address.protocol !== 'http:')) {
      log.warn(`the server asked to open '${plain(params.url)}', which is not a web address: declined`, { output });
      return { action: 'decline' };
    }
    note(`${plain(params.message)}\n\n${address.href}`, `The server asks you to open a page on ${address.host}`, {
      output,
    });
    const choice = await select({
      message: `Open ${address.host}?`,
      options: [
        { value: 'open', label: 'Open it in the browser' },
        { value: 'decline', label: 'Decline' },
      ],
      ...io,
      ...(signal !== undefined && { signal }),
    });
    if (isCancel(choice)) return { action: 'cancel' };
    if (choice === 'decline') return { action: 'decline' };
    if (!(await openUrl(address.href)))
      log.info(`No browser could be opened; open this address: ${address.href}`, { output });
    return { action: 'accept' };
  }

  // One prompt at a time on the terminal.
  let queue: Promise<unknown> = Promise.resolve();
  return (request, signal) => {
    const turn = queue.then(() => {
      const params = request.params;
      return params.mode === 'url' ? url(params, signal) : form(params, signal);
    });
    queue = turn.catch(() => {});
    return turn;
  };
}

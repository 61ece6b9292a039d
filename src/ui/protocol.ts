/**
 * The channel between client processes and the dashboard, as zod schemas both ends parse with: what a
 * process sends when it registers and when it asks (a RequestView or CompletionView of
 * src/policy/approval.ts, and how long the person has), and the decisions that come back. Everything that
 * crosses it is validated and bounded (the HTTP bodies too: see app.ts).
 */
import * as z from 'zod/v4';

import type { CompletionDecision, RequestDecision } from '../policy/approval.js';

/** The largest text a person may type into one field of a decision (a prompt, a completion). */
export const MAX_EDIT_CHARS = 1_000_000;

const Text = z.string().max(MAX_EDIT_CHARS);
const Reason = z.string().max(1000).optional();

export const RegisterSchema = z.strictObject({
  /** What the page shows for the process, e.g. `call summarize_document`. */
  label: z.string().min(1).max(200),
  pid: z.number().int().positive(),
  cwd: z.string().max(4096).optional(),
  /** The config file the process loaded (where "always / never for this server" writes), if any. */
  configFile: z.string().max(4096).optional(),
});
export type Register = z.infer<typeof RegisterSchema>;

const ModelSchema = z.object({ provider: z.string().max(200), id: z.string().max(500), reason: z.string().max(2000) });
const ToolSchema = z.object({
  name: z.string().max(500),
  description: z.string().max(20_000).optional(),
  inputSchema: z.record(z.string(), z.unknown()).optional(),
});
const MessageSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.unknown() });

export const RequestViewSchema = z.object({
  server: z.string().max(500),
  model: ModelSchema,
  systemPrompt: z.string().optional(),
  messages: z.array(MessageSchema).max(10_000),
  maxTokens: z.number(),
  temperature: z.number().optional(),
  tools: z.array(ToolSchema).max(1000).optional(),
  toolChoice: z.enum(['auto', 'required', 'none']).optional(),
});

export const CompletionViewSchema = RequestViewSchema.extend({
  completion: z.string(),
  toolCalls: z
    .array(z.object({ id: z.string().max(500), name: z.string().max(500), input: z.record(z.string(), z.unknown()) }))
    .max(1000)
    .optional(),
});

export const AskSchema = z.discriminatedUnion('stage', [
  z.strictObject({
    processId: z.string().max(100),
    stage: z.literal('request'),
    view: RequestViewSchema,
    timeoutMs: z.number().int().positive(),
  }),
  z.strictObject({
    processId: z.string().max(100),
    stage: z.literal('completion'),
    view: CompletionViewSchema,
    timeoutMs: z.number().int().positive(),
  }),
]);
export type Ask = z.infer<typeof AskSchema>;

export const RequestDecisionSchema: z.ZodType<RequestDecision> = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('approve') }),
  z.strictObject({ action: z.literal('edit'), systemPrompt: Text.optional(), lastUserText: Text.optional() }),
  z.strictObject({ action: z.literal('deny'), reason: Reason }),
]) as z.ZodType<RequestDecision>;

export const CompletionDecisionSchema: z.ZodType<CompletionDecision> = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('approve') }),
  z.strictObject({
    action: z.literal('edit'),
    text: Text,
    toolInputs: z.record(z.string().max(500), z.record(z.string(), z.unknown())).optional(),
  }),
  z.strictObject({ action: z.literal('reject'), reason: Reason }),
]) as z.ZodType<CompletionDecision>;

/** What a browser posts to decide one pending request. */
export const DecideSchema = z.strictObject({
  id: z.string().max(100),
  decision: z.unknown(),
});

/** "Always / never for this server": the pending request it came from, and the mode to write. */
export const PolicyChangeSchema = z.strictObject({
  id: z.string().max(100),
  approval: z.enum(['auto', 'deny']),
});

/** A process's session budget usage per server (budget.ts `usage(server).session`), reported as it changes. */
export const UsageReportSchema = z.strictObject({
  processId: z.string().max(100),
  usage: z
    .record(
      z.string().max(500),
      z.strictObject({ tokens: z.number().nonnegative(), costUsd: z.number().nonnegative() }),
    )
    .refine((usage) => Object.keys(usage).length <= 1000, { error: 'too many servers' }),
});

/**
 * The embedded offline default "model". It is an EXTRACTIVE SUMMARIZER, NOT A LANGUAGE MODEL: it selects
 * sentences from the input document and returns them verbatim; it never writes new text, never follows
 * instructions and never calls tools. It is wrapped as an AI SDK 6 `LanguageModelV3` only so that the
 * rest of the program can call it like any other model (generateText, streamText).
 *
 * The document is the text of the last user message. The system prompt is read by no one (a warning says
 * so), the output budget is `maxOutputTokens` (300 by default) as counted by `estimateTokens`, the result is
 * deterministic whatever the temperature, and stop sequences are honoured.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
  SharedV3ProviderMetadata,
  SharedV3Warning,
} from '@ai-sdk/provider';

import { estimateTokens } from '../../shared/estimate-tokens.js';
import { summarizeExtractive, type ExtractiveFinish } from './summarize-extractive.js';

export const EXTRACTIVE_MODEL_ID = 'extractive-summarizer';
export const EXTRACTIVE_PROVIDER = 'embedded';
/** Output budget when the caller gives no maxOutputTokens. */
export const EXTRACTIVE_DEFAULT_MAX_TOKENS = 300;

export interface ExtractiveModelOptions {
  /** BCP 47 locale for sentence segmentation; the runtime default when absent. */
  locale?: string | undefined;
}

export function createExtractiveModel(options: ExtractiveModelOptions = {}): LanguageModelV3 {
  const { locale } = options;
  return {
    specificationVersion: 'v3',
    provider: EXTRACTIVE_PROVIDER,
    modelId: EXTRACTIVE_MODEL_ID,
    supportedUrls: {},
    doGenerate: async (call) => summarize(call, locale),
    doStream: async (call) => {
      const result = summarize(call, locale);
      const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
      const parts: LanguageModelV3StreamPart[] = [
        { type: 'stream-start', warnings: result.warnings },
        { type: 'response-metadata', modelId: EXTRACTIVE_MODEL_ID },
        { type: 'text-start', id: TEXT_ID },
        { type: 'text-delta', id: TEXT_ID, delta: text },
        { type: 'text-end', id: TEXT_ID },
        {
          type: 'finish',
          finishReason: result.finishReason,
          usage: result.usage,
          ...(result.providerMetadata === undefined ? {} : { providerMetadata: result.providerMetadata }),
        },
      ];
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      });
      return { stream };
    },
  };
}

const TEXT_ID = '0';

const UNUSED_SETTINGS = ['temperature', 'topP', 'topK', 'presencePenalty', 'frequencyPenalty', 'seed'] as const;

function summarize(call: LanguageModelV3CallOptions, locale: string | undefined): LanguageModelV3GenerateResult {
  call.abortSignal?.throwIfAborted();
  if (call.tools !== undefined && call.tools.length > 0) {
    // The client never offers it tools (model resolution leaves it out); this guards any other caller.
    throw new Error(
      'the embedded extractive summarizer cannot call tools: configure a provider that can (docs/configuration.md)',
    );
  }

  const warnings: SharedV3Warning[] = [];
  const { document, ignoredFiles, ignoredMessages, hasSystem } = readDocument(call);
  if (hasSystem) {
    warnings.push({
      type: 'other',
      message:
        'the system message was ignored: the extractive summarizer does not follow instructions, it selects sentences from the document',
    });
  }
  if (ignoredMessages > 0) {
    warnings.push({
      type: 'other',
      message: `only the last user message is summarized; ${ignoredMessages} earlier message(s) were ignored`,
    });
  }
  if (ignoredFiles > 0) {
    warnings.push({
      type: 'other',
      message: `the extractive model reads text only; ${ignoredFiles} image/file part(s) were ignored`,
    });
  }
  for (const setting of UNUSED_SETTINGS) {
    if (call[setting] !== undefined) {
      warnings.push({
        type: 'unsupported',
        feature: setting,
        details: 'the extractive summarizer is deterministic; this setting has no effect',
      });
    }
  }
  if (call.responseFormat?.type === 'json') {
    warnings.push({
      type: 'unsupported',
      feature: 'responseFormat',
      details: 'the extractive summarizer returns sentences of the document, not JSON',
    });
  }

  const summary = summarizeExtractive(document, {
    maxTokens: call.maxOutputTokens ?? EXTRACTIVE_DEFAULT_MAX_TOKENS,
    locale,
    stopSequences: call.stopSequences,
  });
  const outputTokens = estimateTokens(summary.text);
  const inputTokens = estimateTokens(document);
  const usage: LanguageModelV3Usage = {
    inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
  };
  const providerMetadata: SharedV3ProviderMetadata = {
    [EXTRACTIVE_PROVIDER]: {
      kind: 'extractive',
      sentencesIn: summary.sentenceCount,
      sentencesSelected: summary.selected,
      ...(summary.stopSequence === undefined ? {} : { stopSequence: summary.stopSequence }),
    },
  };
  return {
    content: [{ type: 'text', text: summary.text }],
    finishReason: finishReasonOf(summary.finish),
    usage,
    providerMetadata,
    response: { modelId: EXTRACTIVE_MODEL_ID },
    warnings,
  };
}

function finishReasonOf(finish: ExtractiveFinish): LanguageModelV3FinishReason {
  return { unified: finish === 'max-tokens' ? 'length' : 'stop', raw: finish };
}

interface PromptReading {
  document: string;
  ignoredFiles: number;
  ignoredMessages: number;
  hasSystem: boolean;
}

/** The text of the last user message (its text parts, separated by blank lines) and what was left out. */
function readDocument(call: LanguageModelV3CallOptions): PromptReading {
  let last = -1;
  for (let i = call.prompt.length - 1; i >= 0; i--) {
    if (call.prompt[i]?.role === 'user') {
      last = i;
      break;
    }
  }
  let hasSystem = false;
  let ignoredMessages = 0;
  call.prompt.forEach((message, i) => {
    if (message.role === 'system') hasSystem = true;
    else if (i !== last) ignoredMessages++;
  });

  const texts: string[] = [];
  let ignoredFiles = 0;
  const message = last >= 0 ? call.prompt[last] : undefined;
  if (message?.role === 'user') {
    for (const part of message.content) {
      if (part.type === 'text') texts.push(part.text);
      else ignoredFiles++;
    }
  }
  return { document: texts.join('\n\n'), ignoredFiles, ignoredMessages, hasSystem };
}

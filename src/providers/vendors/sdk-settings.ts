/**
 * The settings the built-in vendor SDKs (`createOpenAI`, `createAnthropic`, `createGoogleGenerativeAI`)
 * take, from our provider settings. The key and the base URL are always passed explicitly: an AI SDK
 * provider given none would read `process.env` itself, behind the client's environment rules.
 */
import type { ProviderSettings } from '../provider.js';

export function toSdkSettings({ baseURL, apiKey, headers, fetch }: ProviderSettings) {
  return { ...(baseURL !== undefined && { baseURL }), headers, fetch, apiKey: apiKey ?? '' };
}

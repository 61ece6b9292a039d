/**
 * A vendor's models whose AI SDK package is imported on first use. The registry builds a provider's
 * factory as soon as one of its models is chosen, and every vendor package is a few hundred kilobytes of
 * code: a client answered by the embedded model, or by one vendor, should not load the others at start-up.
 * The model returned here is a stand-in that imports the package (once per provider), builds the real
 * model, and hands it every call; `provider` names what the real model will report, and reads the real
 * model's own once it is built.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';

import type { LanguageModelFactory } from '../provider.js';

/**
 * `load` imports the vendor package and builds the provider (the factory of its models); `providerId` is
 * the `provider` its models report (`anthropic.messages`, …), shown until the real model is built.
 */
export function lazyLanguageModels(
  load: () => Promise<LanguageModelFactory>,
  providerId: string,
): LanguageModelFactory {
  let factory: Promise<LanguageModelFactory> | undefined;
  const loadFactory = () => {
    factory ??= load().catch((error: unknown) => {
      // A failed import (a package missing from an install) is tried again on the next call.
      factory = undefined;
      throw error;
    });
    return factory;
  };
  return (modelId) => {
    let built: LanguageModelV3 | undefined;
    let building: Promise<LanguageModelV3> | undefined;
    // A failed import or build is not kept: the model's next call tries again, as the factory's does.
    const real = () =>
      (building ??= loadFactory()
        .then((create) => (built = create(modelId)))
        .catch((error: unknown) => {
          building = undefined;
          throw error;
        }));
    const model: LanguageModelV3 = {
      specificationVersion: 'v3',
      get provider() {
        return built?.provider ?? providerId;
      },
      modelId,
      get supportedUrls() {
        return real().then((m) => m.supportedUrls);
      },
      doGenerate: async (options) => (await real()).doGenerate(options),
      doStream: async (options) => (await real()).doStream(options),
    };
    return model;
  };
}

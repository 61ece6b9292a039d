/** The embedded extractive model through the registry: the parts of the provider contract that apply. */
import { EXTRACTIVE_MODEL_ID } from './extractive-model.js';
import { runProviderContract } from '../provider.contract.test.js';

runProviderContract({ kind: 'embedded', model: EXTRACTIVE_MODEL_ID });

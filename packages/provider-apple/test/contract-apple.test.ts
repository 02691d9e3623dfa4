import { afterAll, beforeAll } from 'vitest';
import { describeProviderContract } from '@metalor/provider-core/testing';
import { AppleLinuxProvider } from '@metalor/provider-apple';
import { createHelperDouble, type HelperDouble } from './support/helper-double.js';

let double: HelperDouble;
let provider: AppleLinuxProvider;
beforeAll(async () => {
  double = await createHelperDouble();
  provider = new AppleLinuxProvider(double.helper, 'metalor contract vm');
  await provider.ensureAvailable();
});
afterAll(async () => {
  await double.dispose();
});

describeProviderContract('provider contract through the macOS VM helper', { shell: () => provider });

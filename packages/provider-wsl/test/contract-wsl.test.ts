import { afterAll, beforeAll } from 'vitest';
import { describeProviderContract } from '@metalor/provider-core/testing';
import { WslProvider } from '@metalor/provider-wsl';
import { createWslDouble, useWslDouble, type WslDouble } from './support/wsl-double.js';

let double: WslDouble;
beforeAll(async () => {
  double = await createWslDouble();
  useWslDouble(double);
  await double.setInstalled(['Ubuntu-24.04']);
  await new WslProvider('Ubuntu-24.04').ensureAvailable(false);
});
afterAll(async () => {
  await double.dispose();
});

describeProviderContract('provider contract through wsl.exe', { shell: () => new WslProvider('Ubuntu-24.04') });

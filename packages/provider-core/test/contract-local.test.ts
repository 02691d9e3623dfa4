import { describeProviderContract } from '@metalor/provider-core/testing';

describeProviderContract('provider contract through a local sh', {
  shell: () => (script: string) => ({ file: 'sh', args: ['-c', script] }),
});

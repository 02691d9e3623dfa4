import plist from 'plist';
import { describe, expect, it } from 'vitest';
import {
  HELPER_INFO_PLIST_TEMPLATE,
  HelperTarget,
  NETWORKED_HELPER_ENTITLEMENTS_TEMPLATE,
  OFFLINE_HELPER_ENTITLEMENTS_TEMPLATE,
  ProviderError,
  renderHelperInfoPlist,
} from './index.js';

describe('helper templates', () => {
  it('carries the three Info.plist placeholders', () => {
    for (const placeholder of [
      '__METALOR_HELPER_EXECUTABLE__',
      '__METALOR_HELPER_BUNDLE_IDENTIFIER__',
      '__METALOR_HELPER_SERVICE_NAME__',
    ]) {
      expect(HELPER_INFO_PLIST_TEMPLATE).toContain(placeholder);
    }
  });

  it('renders an Info.plist that parses as a property list with the service keys', () => {
    const target = new HelperTarget('com.example.Builder', 'com.example.Builder.MetalorWorker');
    const rendered = renderHelperInfoPlist({
      executable: target.executableName(),
      bundleIdentifier: target.serviceName,
      serviceName: target.serviceName,
    });
    expect(rendered).not.toContain('__METALOR_');
    expect(plist.parse(rendered)).toEqual({
      CFBundleDevelopmentRegion: 'en',
      CFBundleExecutable: 'MetalorWorker',
      CFBundleIdentifier: 'com.example.Builder.MetalorWorker',
      CFBundleInfoDictionaryVersion: '6.0',
      CFBundleName: 'com.example.Builder.MetalorWorker',
      CFBundlePackageType: 'XPC!',
      XPCService: { ServiceType: 'Application' },
    });
  });

  it('escapes XML in rendered values and refuses empty ones', () => {
    const rendered = renderHelperInfoPlist({ executable: 'a<b>&"c\'', bundleIdentifier: 'x', serviceName: 'y' });
    expect((plist.parse(rendered) as Record<string, unknown>).CFBundleExecutable).toBe('a<b>&"c\'');
    expect(() => renderHelperInfoPlist({ executable: '', bundleIdentifier: 'x', serviceName: 'y' })).toThrow(ProviderError);
  });

  it('grants the networked helper the app sandbox and network client', () => {
    expect(plist.parse(NETWORKED_HELPER_ENTITLEMENTS_TEMPLATE)).toEqual({
      'com.apple.security.app-sandbox': true,
      'com.apple.security.network.client': true,
    });
  });

  it('grants the offline helper the app sandbox only', () => {
    expect(plist.parse(OFFLINE_HELPER_ENTITLEMENTS_TEMPLATE)).toEqual({ 'com.apple.security.app-sandbox': true });
  });
});

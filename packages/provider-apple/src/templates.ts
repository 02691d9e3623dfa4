import { ProviderError } from '@metalor/provider-core';

/**
 * The helper's XPC service `Info.plist`, with placeholders `__METALOR_HELPER_EXECUTABLE__`,
 * `__METALOR_HELPER_BUNDLE_IDENTIFIER__` and `__METALOR_HELPER_SERVICE_NAME__`.
 */
export const HELPER_INFO_PLIST_TEMPLATE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>CFBundleDevelopmentRegion</key>
  <string>en</string>
  <key>CFBundleExecutable</key>
  <string>__METALOR_HELPER_EXECUTABLE__</string>
  <key>CFBundleIdentifier</key>
  <string>__METALOR_HELPER_BUNDLE_IDENTIFIER__</string>
  <key>CFBundleInfoDictionaryVersion</key>
  <string>6.0</string>
  <key>CFBundleName</key>
  <string>__METALOR_HELPER_SERVICE_NAME__</string>
  <key>CFBundlePackageType</key>
  <string>XPC!</string>
  <key>XPCService</key>
  <dict>
    <key>ServiceType</key>
    <string>Application</string>
  </dict>
</dict>
</plist>
`;

/** Entitlements for a helper whose cells may reach the network: app sandbox plus network client. */
export const NETWORKED_HELPER_ENTITLEMENTS_TEMPLATE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>com.apple.security.app-sandbox</key>
  <true/>
  <key>com.apple.security.network.client</key>
  <true/>
</dict>
</plist>
`;

/** Entitlements for an offline helper: app sandbox only. */
export const OFFLINE_HELPER_ENTITLEMENTS_TEMPLATE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>com.apple.security.app-sandbox</key>
  <true/>
</dict>
</plist>
`;

/** The values that fill {@link HELPER_INFO_PLIST_TEMPLATE}. */
export interface HelperInfoPlistValues {
  executable: string;
  bundleIdentifier: string;
  serviceName: string;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Fills {@link HELPER_INFO_PLIST_TEMPLATE}, XML-escaping each value.
 * @throws {ProviderError} `ERR_METALOR_PLIST_VALUE_INVALID` for an empty value or one with control characters.
 */
export function renderHelperInfoPlist(values: HelperInfoPlistValues): string {
  const fill = (name: keyof HelperInfoPlistValues): string => {
    const value = values[name];
    if (typeof value !== 'string' || value === '' || /[\u0000-\u001f]/.test(value)) {
      throw new ProviderError(
        'ERR_METALOR_PLIST_VALUE_INVALID',
        `invalid Info.plist ${name} ${JSON.stringify(value)}: expected non-empty text without control characters`,
      );
    }
    return value.replace(/[&<>"']/g, (character) => XML_ESCAPES[character] ?? character);
  };
  return HELPER_INFO_PLIST_TEMPLATE.replace('__METALOR_HELPER_EXECUTABLE__', fill('executable'))
    .replace('__METALOR_HELPER_BUNDLE_IDENTIFIER__', fill('bundleIdentifier'))
    .replace('__METALOR_HELPER_SERVICE_NAME__', fill('serviceName'));
}

/**
 * Region and credentials for SDK clients of the local emulators. Nothing local checks the
 * credentials, but the SDK will not sign a request without some; the region is the one
 * the pool id and ARNs carry.
 */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/**
 * Region and credentials for SDK clients of the local emulators: an operator's, whose calls the
 * local cloud's IAM lets through (only the functions' own keys are judged, iam/local-iam.ts). The
 * SDK will not sign a request without some; the region is the one the pool id and ARNs carry.
 */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

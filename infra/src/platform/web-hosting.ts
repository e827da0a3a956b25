import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { CloudfrontResponseHeadersPolicy } from '@cdktf/provider-aws/lib/cloudfront-response-headers-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import type { ShopStack } from '../stacks/shop-stack';

/**
 * Where the storefront is served from: a private S3 bucket that only this CloudFront
 * distribution reads (origin access control, signed requests, the bucket policy naming the
 * distribution), HTTPS only, `index.html` at the root and for every path the bucket does not
 * hold (a single-page app routes in the browser; S3 answers 403 for a missing key when the
 * reader may not list), and a response headers policy with the security headers.
 *
 * It lives in the platform, not the web stack, because the HTTP API's CORS must name the
 * storefront's origin, and CloudFront chooses the distribution's domain: created here, beside the
 * API, the origin is known where CORS is set, and the web stack (deployed after) only uploads the
 * storefront into the bucket. See docs/deploying.md.
 */

/** CloudFront's managed cache policy CachingOptimized: long TTLs, gzip and brotli, no cookies or query strings in the key. */
export const CACHING_OPTIMIZED_POLICY_ID = '658327ea-f89d-4fab-a63d-7e88639e58f6';

export interface WebHosting {
  bucket: S3Bucket;
  distribution: CloudfrontDistribution;
  /** `https://<distribution>.cloudfront.net`, the storefront's origin. */
  url: string;
}

export function webHosting(stack: ShopStack): WebHosting {
  const { stage, region } = stack.config;
  // Bucket names are global: the account id keeps two accounts' shops apart.
  const bucket = new S3Bucket(stack, 'web-bucket', { bucket: `shop-${stage}-web-${stack.accountId}`, forceDestroy: stage !== 'prod' });
  new S3BucketPublicAccessBlock(stack, 'web-bucket-public-access', {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(stack, 'web-bucket-ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  new S3BucketServerSideEncryptionConfiguration(stack, 'web-bucket-encryption', {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
  });

  const accessControl = new CloudfrontOriginAccessControl(stack, 'web-origin-access', {
    name: `shop-${stage}-web`,
    description: 'CloudFront signs its requests to the storefront bucket',
    originAccessControlOriginType: 's3',
    signingBehavior: 'always',
    signingProtocol: 'sigv4',
  });

  const headers = new CloudfrontResponseHeadersPolicy(stack, 'web-security-headers', {
    name: `shop-${stage}-web-security-headers`,
    comment: 'Security headers for the storefront',
    securityHeadersConfig: {
      strictTransportSecurity: { accessControlMaxAgeSec: 63_072_000, includeSubdomains: true, preload: false, override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: 'DENY', override: true },
      referrerPolicy: { referrerPolicy: 'strict-origin-when-cross-origin', override: true },
      contentSecurityPolicy: {
        // The API's host is any execute-api host of the region: naming the API's own would make
        // the API (whose CORS names this distribution) and the distribution each wait for the other.
        contentSecurityPolicy: [
          "default-src 'self'",
          `connect-src 'self' https://*.execute-api.${region}.amazonaws.com https://cognito-idp.${region}.amazonaws.com`,
          "img-src 'self' data: https:",
          "style-src 'self' 'unsafe-inline'",
          "object-src 'none'",
          "base-uri 'self'",
          "form-action 'self'",
          "frame-ancestors 'none'",
        ].join('; '),
        override: true,
      },
    },
  });

  const origin = 'storefront-bucket';
  const distribution = new CloudfrontDistribution(stack, 'web-distribution', {
    comment: `shop ${stage} storefront`,
    enabled: true,
    isIpv6Enabled: true,
    httpVersion: 'http2and3',
    priceClass: 'PriceClass_100',
    defaultRootObject: 'index.html',
    origin: [{ originId: origin, domainName: bucket.bucketRegionalDomainName, originAccessControlId: accessControl.id }],
    defaultCacheBehavior: {
      targetOriginId: origin,
      viewerProtocolPolicy: 'redirect-to-https',
      allowedMethods: ['GET', 'HEAD', 'OPTIONS'],
      cachedMethods: ['GET', 'HEAD'],
      compress: true,
      cachePolicyId: CACHING_OPTIMIZED_POLICY_ID,
      responseHeadersPolicyId: headers.id,
    },
    customErrorResponse: [403, 404].map((code) => ({
      errorCode: code,
      responseCode: 200,
      responsePagePath: '/index.html',
      errorCachingMinTtl: 10,
    })),
    restrictions: { geoRestriction: { restrictionType: 'none' } },
    viewerCertificate: { cloudfrontDefaultCertificate: true },
  });

  new S3BucketPolicy(stack, 'web-bucket-policy', {
    bucket: bucket.id,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'CloudFrontReads',
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: `${bucket.arn}/*`,
          Condition: { StringEquals: { 'AWS:SourceArn': distribution.arn } },
        },
        {
          Sid: 'TlsOnly',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [bucket.arn, `${bucket.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    }),
  });
  return { bucket, distribution, url: `https://${distribution.domainName}` };
}

import { createCipheriv, randomBytes } from 'node:crypto';
import type { AccessRequest } from '@shop/platform';
import { startAwsJsonApi } from '../aws-json-api';
import type { ListeningServer } from '../http-server';
import type { Authorizer } from '../iam/local-iam';

/**
 * SSM Parameter Store, the part the shop reads: the payment provider's secrets as SecureString
 * parameters, served over the API the SDK's `SSMClient` speaks (AWS JSON 1.1,
 * `x-amz-target: AmazonSSM.<Operation>`), so that payment-service reads them locally exactly as
 * on AWS, through `AWS_ENDPOINT_URL_SSM`. Only GetParameter, which is all Powertools'
 * `SSMProvider.get` calls; parameters are put by the local cloud, not through the API.
 */

export type ParameterType = 'String' | 'SecureString';

/** An error the SSM API answers with 400 and its code, as AWS does. */
export class ParameterStoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

interface StoredParameter {
  name: string;
  type: ParameterType;
  value: string;
  /** What GetParameter without WithDecryption answers for a SecureString: the value encrypted. */
  ciphertext: string;
  version: number;
  lastModified: Date;
}

export class ParameterStore {
  private readonly parameters = new Map<string, StoredParameter>();
  /** The local stand-in for the KMS key: the values are really encrypted, with a key that lives as long as the run. */
  private readonly key = randomBytes(32);

  constructor(
    private readonly region: string,
    private readonly accountId = '000000000000',
  ) {}

  /** Puts (or overwrites, with the next version) a parameter. */
  put(name: string, value: string, type: ParameterType = 'SecureString'): void {
    const version = (this.parameters.get(name)?.version ?? 0) + 1;
    this.parameters.set(name, { name, type, value, ciphertext: this.encrypt(value), version, lastModified: new Date() });
  }

  /**
   * What IAM judges a call on: `ssm:<operation>` on the parameter's ARN and, for a SecureString
   * read decrypted, `kms:Decrypt` on its key as SSM asks for it (`kms:ViaService`).
   */
  accessRequests(operation: string, request: Record<string, unknown>, keyArn: string): AccessRequest[] {
    const name = typeof request['Name'] === 'string' ? request['Name'] : '';
    const requests: AccessRequest[] = [{ action: `ssm:${operation}`, resource: this.arn(name) }];
    if (request['WithDecryption'] === true && this.parameters.get(name)?.type === 'SecureString') {
      requests.push({ action: 'kms:Decrypt', resource: keyArn, context: { 'kms:ViaService': `ssm.${this.region}.amazonaws.com` } });
    }
    return requests;
  }

  private arn(name: string): string {
    return `arn:aws:ssm:${this.region}:${this.accountId}:parameter/${name.replace(/^\//, '')}`;
  }

  /** GetParameter, answered as AWS answers it. */
  getParameter(request: Record<string, unknown>): unknown {
    const name = request['Name'];
    if (typeof name !== 'string' || name === '') {
      throw new ParameterStoreError('ValidationException', "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
    }
    const parameter = this.parameters.get(name);
    // AWS answers an unknown name with a bare ParameterNotFound.
    if (!parameter) throw new ParameterStoreError('ParameterNotFound', '');
    const decrypt = request['WithDecryption'] === true;
    return {
      Parameter: {
        Name: parameter.name,
        Type: parameter.type,
        Value: parameter.type === 'SecureString' && !decrypt ? parameter.ciphertext : parameter.value,
        Version: parameter.version,
        LastModifiedDate: parameter.lastModified.getTime() / 1000,
        ARN: this.arn(name),
        DataType: 'text',
      },
    };
  }

  private encrypt(value: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const encrypted = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), encrypted]).toString('base64');
  }
}

/** GetParameter's request is a few hundred bytes. */
const MAX_REQUEST_BYTES = 64 * 1024;

export interface ParameterStoreApiOptions {
  host?: string;
  port?: number;
  /**
   * The local cloud's IAM: GetParameter is judged on the parameter's ARN and, when it decrypts a
   * SecureString, `kms:Decrypt` on `keyArn` with `kms:ViaService` set, as SSM asks KMS on the
   * caller's behalf.
   */
  access?: { authorizer: Authorizer; keyArn: string };
}

export function startParameterStoreApi(store: ParameterStore, options: ParameterStoreApiOptions): Promise<ListeningServer> {
  const { access, ...listenOn } = options;
  return startAwsJsonApi({
    version: '1.1',
    targetPrefix: 'AmazonSSM',
    operations: { GetParameter: (request) => store.getParameter(request) },
    apiError: (error) => (error instanceof ParameterStoreError ? { code: error.code, message: error.message } : undefined),
    maxRequestBytes: MAX_REQUEST_BYTES,
    ...(access && { access: { authorizer: access.authorizer, requests: (operation, request) => store.accessRequests(operation, request, access.keyArn) } }),
    ...listenOn,
  });
}

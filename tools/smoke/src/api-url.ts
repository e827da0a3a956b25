import { readFileSync } from 'node:fs';

/** The platform stack's `api_url` from `terraform output -json` written to `file`. */
export function apiUrlFromOutputs(file: string): string {
  const outputs = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { value?: unknown }>;
  const url = outputs['api_url']?.value;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new Error(`${file} has no api_url output: is it the platform stack's \`terraform output -json\`?`);
  return url;
}

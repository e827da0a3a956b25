import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/cli';

describe('npm start options', () => {
  const root = '/repo';

  it('defaults to port 3000, in memory', () => {
    expect(parseArgs([], root)).toEqual({ port: 3000, help: false });
  });

  it('persists in .local-cloud/ of the repository, or in the directory given', () => {
    expect(parseArgs(['--persist'], root).persistDir).toBe(join(root, '.local-cloud'));
    expect(parseArgs(['--persist', '--port', '8080'], root)).toEqual({
      port: 8080,
      help: false,
      persistDir: join(root, '.local-cloud'),
    });
    expect(parseArgs(['--persist', 'data'], root).persistDir).toBe(resolve('data'));
  });

  it('refuses a bad port and unknown options', () => {
    expect(() => parseArgs(['--port', 'x'], root)).toThrow(/--port needs a port number/);
    expect(() => parseArgs(['--port'], root)).toThrow(/--port needs a port number/);
    expect(() => parseArgs(['--verbose'], root)).toThrow(/unknown option --verbose/);
  });

  it('takes the payment window in seconds', () => {
    expect(parseArgs(['--payment-window', '60'], root).paymentWindowSeconds).toBe(60);
    expect(() => parseArgs(['--payment-window', '0'], root)).toThrow(/--payment-window needs a number of seconds/);
  });

  it('knows --help', () => {
    expect(parseArgs(['--help'], root).help).toBe(true);
  });
});

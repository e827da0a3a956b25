import { describe, expect, it } from 'vitest';
import { UsageError, nxAffectedArgs, parseChangeRange } from '../src/affected-args';

describe('affected arguments', () => {
  it('passes --base, --head and --files through to Nx, in either spelling', () => {
    const range = parseChangeRange(['--base=origin/main~1', '--head', 'HEAD', '--files=apps/a.ts,libs/b.ts']);
    expect(range).toEqual({ base: 'origin/main~1', head: 'HEAD', files: 'apps/a.ts,libs/b.ts' });
    expect(nxAffectedArgs(range)).toEqual(['--base=origin/main~1', '--head=HEAD', '--files=apps/a.ts,libs/b.ts']);
  });

  it('refuses an argument it does not know, or one without a value', () => {
    expect(() => parseChangeRange(['--all'])).toThrow(UsageError);
    expect(() => parseChangeRange(['--base'])).toThrow(/needs a value/);
  });
});

import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { BadRequestError } from '../src/errors';
import { cursorCodec } from '../src/pagination/cursor';

const Key = z.strictObject({ id: z.string().min(1), owner: z.string().min(1) });
const key = { id: 'a1', owner: 'ann' };

describe('cursorCodec', () => {
  const codec = cursorCodec(Key);

  it("decodes a key within its scope, and refuses it in another one's", () => {
    const cursor = codec.encode(key);
    expect(codec.decode(cursor)).toEqual(key);
    expect(codec.decode(cursor, { owner: 'ann' })).toEqual(key);
    expect(codec.decode(cursor, { owner: 'bob' })).toBeUndefined();
  });

  it('gives no start key without a cursor, and the key of one it issued', () => {
    expect(codec.startKey(undefined, { owner: 'ann' })).toBeUndefined();
    expect(codec.startKey(codec.encode(key), { owner: 'ann' })).toEqual(key);
  });

  it('answers 400 INVALID_CURSOR naming the field for a cursor it did not issue, or issued for another scope', () => {
    for (const cursor of ['not a cursor!', codec.encode({ ...key, owner: 'bob' })]) {
      const error = catchError(() => codec.startKey(cursor, { owner: 'ann' }));
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error).toMatchObject({
        status: 400,
        code: 'INVALID_CURSOR',
        message: 'Invalid request query: cursor: not a cursor this API issued',
        details: [{ field: 'cursor', message: 'not a cursor this API issued' }],
      });
    }
  });

  it('says what the cursor is for when told', () => {
    const trail = cursorCodec(Key, { refusal: 'not a cursor this API issued for this product' });
    expect(catchError(() => trail.startKey('x!'))).toMatchObject({
      message: 'Invalid request query: cursor: not a cursor this API issued for this product',
      details: [{ field: 'cursor', message: 'not a cursor this API issued for this product' }],
    });
  });

  it('gives the next cursor of a page that stopped early, and null on the last page', () => {
    expect(codec.nextCursor(key)).toBe(codec.encode(key));
    expect(codec.nextCursor(undefined)).toBeNull();
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

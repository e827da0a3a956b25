import { describe, expect, it } from 'vitest';
import { Id } from '../src/ids';

describe('Id', () => {
  it('reads an id whose letters came back in upper case as the id the shop stored', () => {
    expect(Id.parse('0F8C2A3B-1111-4222-8333-44445555AAAA')).toBe('0f8c2a3b-1111-4222-8333-44445555aaaa');
  });

  it('still refuses what is not a UUID', () => {
    expect(Id.safeParse('0F8C2A3B-1111-4222-8333-44445555AAAZ').success).toBe(false);
  });
});

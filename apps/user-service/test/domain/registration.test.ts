import type { User } from '@shop/contracts';
import { describe, expect, it, vi } from 'vitest';
import type { AccountDirectory } from '../../src/domain/account-directory';
import { EmailTakenError, InvalidPasswordError } from '../../src/domain/errors';
import type { ProfileRepository } from '../../src/domain/profile-repository';
import { registerCustomer } from '../../src/domain/registration';

const request = { email: 'ada@example.com', password: 'Analytical1', name: 'Ada' };
const now = () => new Date('2025-01-01T00:00:00.000Z');

function fakes() {
  const steps: string[] = [];
  const profiles: User[] = [];
  const accounts: AccountDirectory = {
    signUp: vi.fn(async () => (steps.push('signUp'), { userId: 'sub-1' })),
    confirm: vi.fn(async () => void steps.push('confirm')),
    addToGroup: vi.fn(async (_email: string, group: string) => void steps.push(`addToGroup:${group}`)),
    remove: vi.fn(async () => void steps.push('remove')),
    signIn: vi.fn(),
    heldWith: vi.fn(async () => undefined),
    refresh: vi.fn(),
    revoke: vi.fn(),
  };
  const repository: ProfileRepository = {
    create: vi.fn(async (p: User) => void (steps.push('createProfile'), profiles.push(p))),
    get: vi.fn(),
  };
  const log = { warn: vi.fn(), error: vi.fn() };
  return { steps, profiles, accounts, repository, log };
}

describe('registering a customer', () => {
  it('signs up, confirms, makes a CUSTOMER and stores the profile, in that order', async () => {
    const f = fakes();
    const answer = await registerCustomer(request, { accounts: f.accounts, profiles: f.repository, log: f.log, now });
    expect(answer).toEqual({ userId: 'sub-1', email: 'ada@example.com' });
    expect(f.steps).toEqual(['signUp', 'confirm', 'addToGroup:CUSTOMER', 'createProfile']);
    expect(f.profiles).toEqual([{ userId: 'sub-1', email: 'ada@example.com', emailVerified: false, name: 'Ada', role: 'CUSTOMER', createdAt: '2025-01-01T00:00:00.000Z' }]);
  });

  it('refuses a weak password with every broken rule before touching anything', async () => {
    const f = fakes();
    const attempt = registerCustomer({ ...request, password: 'short' }, { accounts: f.accounts, profiles: f.repository, log: f.log, now });
    await expect(attempt).rejects.toBeInstanceOf(InvalidPasswordError);
    await expect(attempt).rejects.toThrow(
      'Password does not meet the policy: must be at least 8 characters long; must contain an uppercase letter; must contain a number',
    );
    expect(f.steps).toEqual([]);
  });

  it('removes the account again when a step after sign-up fails, and passes the failure on', async () => {
    const f = fakes();
    const failure = new Error('table unavailable');
    f.repository.create = vi.fn(async () => Promise.reject(failure));
    const attempt = registerCustomer(request, { accounts: f.accounts, profiles: f.repository, log: f.log, now });
    await expect(attempt).rejects.toBe(failure);
    expect(f.steps).toEqual(['signUp', 'confirm', 'addToGroup:CUSTOMER', 'remove']);
    expect(f.accounts.remove).toHaveBeenCalledWith('ada@example.com');
  });

  it('still passes the original failure on when the clean-up fails too, and logs both', async () => {
    const f = fakes();
    const failure = new Error('group missing');
    f.accounts.addToGroup = vi.fn(async () => Promise.reject(failure));
    f.accounts.remove = vi.fn(async () => Promise.reject(new Error('throttled')));
    await expect(registerCustomer(request, { accounts: f.accounts, profiles: f.repository, log: f.log, now })).rejects.toBe(failure);
    expect(f.log.warn).toHaveBeenCalledOnce();
    expect(f.log.error).toHaveBeenCalledOnce();
  });

  it('does not remove anything when sign-up itself fails', async () => {
    const f = fakes();
    f.accounts.signUp = vi.fn(async () => Promise.reject(new Error('email taken')));
    await expect(registerCustomer(request, { accounts: f.accounts, profiles: f.repository, log: f.log, now })).rejects.toThrow('email taken');
    expect(f.accounts.remove).not.toHaveBeenCalled();
  });

  describe('an address whose account exists', () => {
    const taken = (f: ReturnType<typeof fakes>) => {
      f.accounts.signUp = vi.fn(async () => Promise.reject(new EmailTakenError()));
    };

    it('is EMAIL_TAKEN for anyone without its password, and nothing is touched', async () => {
      const f = fakes();
      taken(f);
      await expect(registerCustomer(request, { accounts: f.accounts, profiles: f.repository, log: f.log, now })).rejects.toBeInstanceOf(EmailTakenError);
      expect(f.accounts.heldWith).toHaveBeenCalledWith('ada@example.com', 'Analytical1');
      expect(f.steps).toEqual([]);
    });

    it('is taken up where it stopped by the caller with its password, when it has no profile: confirmed or not', async () => {
      for (const confirmed of [false, true]) {
        const f = fakes();
        taken(f);
        f.accounts.heldWith = vi.fn(async () => ({ userId: 'sub-0', confirmed }));
        f.repository.get = vi.fn(async () => undefined);
        const answer = await registerCustomer(request, { accounts: f.accounts, profiles: f.repository, log: f.log, now });
        expect(answer).toEqual({ userId: 'sub-0', email: 'ada@example.com' });
        expect(f.steps).toEqual([...(confirmed ? [] : ['confirm']), 'addToGroup:CUSTOMER', 'createProfile']);
        expect(f.log.warn).toHaveBeenCalledOnce();
      }
    });

    it('is EMAIL_TAKEN when its registration finished (it has a profile), even for its own password', async () => {
      const f = fakes();
      taken(f);
      f.accounts.heldWith = vi.fn(async () => ({ userId: 'sub-0', confirmed: true }));
      f.repository.get = vi.fn(async () => ({ userId: 'sub-0' }) as User);
      await expect(registerCustomer(request, { accounts: f.accounts, profiles: f.repository, log: f.log, now })).rejects.toBeInstanceOf(EmailTakenError);
      expect(f.steps).toEqual([]);
    });
  });
});

describe('two registrations of one address with its password at once (a double click, a retry after the gateway timed out)', () => {
  /** A directory and profile store that keep Cognito's and DynamoDB's rules; the first profile write waits until it is let go. */
  function stores() {
    let account: { userId: string; password: string; status: 'UNCONFIRMED' | 'CONFIRMED'; groups: Set<string> } | undefined;
    const profiles = new Map<string, User>();
    let removed = 0;
    let letFirstWriteGo: () => void = () => undefined;
    const firstWrite = new Promise<void>((resolve) => (letFirstWriteGo = resolve));
    let writes = 0;
    let firstWriting: () => void = () => undefined;
    const firstWriteStarted = new Promise<void>((resolve) => (firstWriting = resolve));
    const accounts: AccountDirectory = {
      async signUp({ password }) {
        if (account) throw new EmailTakenError();
        account = { userId: 'sub-1', password, status: 'UNCONFIRMED', groups: new Set() };
        return { userId: 'sub-1' };
      },
      async confirm() {
        if (!account) throw new Error('UserNotFoundException');
        // The adapter answers a confirmed account as confirmed (Cognito's NotAuthorizedException, read back).
        account.status = 'CONFIRMED';
      },
      async addToGroup(_email, group) {
        if (!account) throw new Error('UserNotFoundException');
        account.groups.add(group);
      },
      async remove() {
        account = undefined;
        removed++;
      },
      async heldWith(_email, password) {
        return account && account.password === password ? { userId: account.userId, confirmed: account.status === 'CONFIRMED' } : undefined;
      },
      signIn: vi.fn(),
      refresh: vi.fn(),
      revoke: vi.fn(),
    };
    const repository: ProfileRepository = {
      async create(profile) {
        if (++writes === 1) {
          firstWriting();
          await firstWrite;
        }
        if (profiles.has(profile.userId)) throw Object.assign(new Error('This user already has a profile'), { code: 'PROFILE_EXISTS' });
        profiles.set(profile.userId, profile);
      },
      async get(userId) {
        return profiles.get(userId);
      },
    };
    return { accounts, repository, profiles, account: () => account, removed: () => removed, firstWriteStarted, letFirstWriteGo };
  }

  it('the second takes the account up and finishes it; the first then finds it finished: both answer it, and it stays, whole', async () => {
    const s = stores();
    const deps = { accounts: s.accounts, profiles: s.repository, log: { warn: vi.fn(), error: vi.fn() }, now };
    const first = registerCustomer(request, deps);
    await s.firstWriteStarted;
    // The first is writing its profile when the second comes, takes its account up and finishes it.
    await expect(registerCustomer(request, deps)).resolves.toEqual({ userId: 'sub-1', email: request.email });
    s.letFirstWriteGo();

    await expect(first).resolves.toEqual({ userId: 'sub-1', email: request.email });
    expect(s.removed()).toBe(0);
    expect(s.account()).toMatchObject({ status: 'CONFIRMED', groups: new Set(['CUSTOMER']) });
    expect([...s.profiles.keys()]).toEqual(['sub-1']);
  });
});

import type { User } from '@shop/contracts';

/** Where user profiles live, keyed by the directory's user id. */
export interface ProfileRepository {
  /** Stores a new profile; throws ConflictError if the user already has one. */
  create(profile: User): Promise<void>;
  get(userId: string): Promise<User | undefined>;
}

import * as z from 'zod/mini';

export const Id = z.uuid();
export type Id = z.infer<typeof Id>;

export const IsoTimestamp = z.iso.datetime({ offset: false });

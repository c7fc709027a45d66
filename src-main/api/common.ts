/** Schemas shared by several services. */
import { z } from 'zod'

export const ProfileId = z.string().min(1, 'profileId must not be empty').max(256, 'profileId must be at most 256 characters')

export const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'region must look like us-east-1')

/** Epoch milliseconds; dates cross IPC as numbers so nothing depends on structured-clone of Date. */
export const TimestampMs = z.number().int().nonnegative()

export const WithProfile = z.object({ profileId: ProfileId })

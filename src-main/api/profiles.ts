/** Profiles: where credentials come from. Only descriptions cross; secrets stay in main. */
import { z } from 'zod'
import { operation } from './contract'
import { ProfileId } from './common'

export const profileKinds = [
  'sandbox', // the built-in local AWS
  'static', // aws_access_key_id + aws_secret_access_key
  'session', // static keys plus aws_session_token
  'sso', // IAM Identity Center (sso_session or legacy sso_start_url)
  'assume-role', // role_arn with source_profile or credential_source
  'process', // credential_process
  'web-identity', // web_identity_token_file
  'env', // AWS_ACCESS_KEY_ID in the environment
  'app', // added in Haneul, secret in the OS keychain
  'invalid', // listed with a reason instead of hidden
] as const
export type ProfileKind = (typeof profileKinds)[number]

export const ProfileSummary = z.object({
  id: ProfileId,
  name: z.string(),
  kind: z.enum(profileKinds),
  source: z.enum(['sandbox', 'aws-config', 'environment', 'app']),
  region: z.string().optional(),
  /** Custom endpoint (S3-compatible stores, or the sandbox's local one). */
  endpoint: z.string().optional(),
  /** Assume-role chains that need a one-time code. */
  needsMfa: z.boolean(),
  /** Why the profile cannot be used, in words a person can act on. */
  problem: z.string().optional(),
})
export type ProfileSummary = z.infer<typeof ProfileSummary>

export const profilesApi = {
  list: operation({
    input: z.object({}).strict(),
    output: z.object({ profiles: z.array(ProfileSummary), activeId: ProfileId }),
  }),
  setActive: operation({
    input: z.object({ profileId: ProfileId }).strict(),
    output: z.object({ activeId: ProfileId }),
  }),
}

/** Profiles: where credentials come from. Only descriptions cross; secrets stay in main. */
import { z } from 'zod'
import { operation } from './contract'
import { isWellFormed, ProfileId, Region, WellFormed } from './common'
import { awsServiceIds, type AwsServiceId } from './services'

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
  /** Custom S3 endpoint (S3-compatible stores, or the sandbox's local one). */
  endpoint: z.string().optional(),
  /** Every service's custom endpoint, by service id of the service list (api/services.ts). */
  endpoints: z.partialRecord(z.enum(awsServiceIds), z.string()).optional(),
  /** Assume-role chains that need a one-time code. */
  needsMfa: z.boolean(),
  /** Why the profile cannot be used, in words a person can act on. */
  problem: z.string().optional(),
  /** Haneul profiles: "AKIA…WXYZ", to recognise the key without revealing it. */
  accessKeyHint: z.string().optional(),
  forcePathStyle: z.boolean().optional(),
})
export type ProfileSummary = z.infer<typeof ProfileSummary>

const ProfileName = WellFormed('name')
  .trim()
  .min(1, 'name must not be empty')
  .max(64, 'name must be at most 64 characters')
  .refine((name) => ![...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'name must not contain control characters')

/** Custom S3 endpoint (MinIO, Ceph, R2, Wasabi…): http(s), no credentials inside the URL. */
export const EndpointUrl = z
  .string()
  .max(2048)
  .refine(isWellFormed, 'endpoint must be well-formed Unicode')
  .refine((raw) => {
    try {
      const url = new URL(raw)
      return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password
    } catch {
      return false
    }
  }, 'endpoint must be an http:// or https:// URL without user or password')

const otherServiceIds = awsServiceIds.filter((id) => id !== 's3') as [Exclude<AwsServiceId, 's3'>, ...Exclude<AwsServiceId, 's3'>[]]
/**
 * Custom endpoints of the services other than S3 (whose endpoint is `endpoint`), e.g. a LocalStack
 * CloudFront. The profile dialog has a field for each.
 */
const OtherEndpoints = z.partialRecord(z.enum(otherServiceIds), EndpointUrl)

const Keys = {
  accessKeyId: z
    .string()
    .trim()
    .min(3, 'access key id must be at least 3 characters')
    .max(128, 'access key id must be at most 128 characters')
    .regex(/^[\x21-\x7e]+$/, 'access key id must be printable ASCII without spaces'),
  /** The secret access key: typed in the window, sent to main once, never sent back. */
  secret: z
    .string()
    .min(1, 'secret access key must not be empty')
    .max(256, 'secret access key must be at most 256 characters')
    .regex(/^[\x21-\x7e]+$/, 'secret access key must be printable ASCII without spaces'),
  /** Sent as the X-Amz-Security-Token header on every call: printable ASCII only, as AWS issues them. */
  sessionToken: z
    .string()
    .max(8192, 'session token must be at most 8192 characters')
    .regex(/^[\x21-\x7e]*$/, 'session token must be printable ASCII without spaces or line breaks (copy it again from its source)')
    .optional(),
}

export const SecretStorageInfo = z.object({
  /** Electron safeStorage backend: keychain, dpapi, gnome_libsecret, kwallet…, basic_text, none. */
  backend: z.string(),
  /** Secrets can be stored now (a keychain exists, or the user accepted weak storage). */
  available: z.boolean(),
  /** The backend gives no real protection (Linux without a keyring). */
  weak: z.boolean(),
})

export const profilesApi = {
  list: operation({
    input: z.object({}).strict(),
    output: z.object({ profiles: z.array(ProfileSummary), activeId: ProfileId }),
  }),
  setActive: operation({
    input: z.object({ profileId: ProfileId }).strict(),
    output: z.object({ activeId: ProfileId }),
  }),
  /** Re-reads ~/.aws/config and ~/.aws/credentials (no network). */
  reload: operation({
    input: z.object({}).strict(),
    output: z.object({ profiles: z.array(ProfileSummary), activeId: ProfileId }),
  }),
  secretStorage: operation({ input: z.object({}).strict(), output: SecretStorageInfo }),
  /** Adds a Haneul profile. Keys cross inward only; replies never contain them. */
  add: operation({
    input: z
      .object({
        name: ProfileName,
        region: Region,
        ...Keys,
        endpoint: EndpointUrl.optional(),
        endpoints: OtherEndpoints.optional(),
        forcePathStyle: z.boolean().optional(),
        /** The user ticked "store without a keychain" after reading the warning. */
        acceptWeakStorage: z.boolean().default(false),
      })
      .strict(),
    output: z.object({ profile: ProfileSummary }),
  }),
  /** Changes a Haneul profile; keys are replaced only when both are given. */
  update: operation({
    input: z
      .object({
        profileId: ProfileId,
        name: ProfileName.optional(),
        region: Region.optional(),
        accessKeyId: Keys.accessKeyId.optional(),
        secret: Keys.secret.optional(),
        sessionToken: Keys.sessionToken,
        endpoint: EndpointUrl.nullable().optional(),
        /** Replaces the other services' custom endpoints; `{}` removes them. */
        endpoints: OtherEndpoints.optional(),
        forcePathStyle: z.boolean().optional(),
        acceptWeakStorage: z.boolean().default(false),
      })
      .strict()
      .refine(
        (v) => (v.accessKeyId === undefined) === (v.secret === undefined) && (v.sessionToken === undefined || v.secret !== undefined),
        'give both accessKeyId and secret (and sessionToken only with them), or none of them',
      ),
    output: z.object({ profile: ProfileSummary }),
  }),
  remove: operation({
    input: z.object({ profileId: ProfileId }).strict(),
    output: z.object({ removed: z.literal(true) }),
  }),
  /** MFA prompts waiting for an answer, for a window that opened (or reloaded) after they were asked. */
  pendingMfa: operation({
    input: z.object({}).strict(),
    output: z.object({
      prompts: z.array(z.object({ promptId: z.string(), profileId: z.string(), profileName: z.string(), serial: z.string() })),
    }),
  }),
  /** Answers an `mfa.requested` event with the device's one-time code. */
  submitMfa: operation({
    input: z.object({ promptId: WellFormed('promptId').max(64), code: z.string().regex(/^\d{6}$/, 'code must be 6 digits') }).strict(),
    output: z.object({ accepted: z.literal(true) }),
  }),
  cancelMfa: operation({
    input: z.object({ promptId: WellFormed('promptId').max(64) }).strict(),
    output: z.object({ cancelled: z.literal(true) }),
  }),
  /** SSO: what to run to sign in; afterwards the profile's cached credentials are dropped. */
  signIn: operation({
    input: z.object({ profileId: ProfileId }).strict(),
    output: z.object({ command: z.string() }),
  }),
}

/**
 * Finds the profiles in ~/.aws/config and ~/.aws/credentials without touching the network, using the
 * SDK's own INI loader (so Haneul reads the files exactly as the aws CLI and SDKs do). Broken profiles
 * are returned with a reason rather than dropped: a user looking for "staging" should learn why it fails.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import { loadSharedConfigFiles } from '@smithy/core/config'
import type { ProfileKind } from '../api/profiles'
import { awsServices, endpointConfigKey, endpointEnvName, type AwsServiceSpec, type ServiceEndpoints } from '../api/services'

export interface DiscoveredProfile {
  name: string
  kind: Exclude<ProfileKind, 'sandbox' | 'app'>
  source: 'aws-config' | 'environment'
  region?: string
  /**
   * Endpoint overrides per service of the service list, as the SDKs read them: AWS_ENDPOINT_URL_<SVC>,
   * then AWS_ENDPOINT_URL, then the profile's [services] section, then its endpoint_url.
   */
  endpoints: ServiceEndpoints
  /** `s3 = addressing_style = path` in the profile. */
  forcePathStyle: boolean
  needsMfa: boolean
  problem?: string
  /** For assume-role: the profile (or credential_source) whose credentials sign AssumeRole. */
  sourceProfile?: string
}

export interface DiscoveryEnvironment {
  env: Record<string, string | undefined>
  homeDir?: string
  /** The services whose endpoint settings are read; the app's list unless a test adds one. */
  services?: readonly AwsServiceSpec[]
}

type Settings = Record<string, string | undefined>

/** Endpoints of every listed service for one profile, with the SDKs' precedence. */
function endpointsOf(
  services: readonly AwsServiceSpec[],
  env: Settings,
  settings: Settings | undefined,
  serviceSection: Settings | undefined,
): ServiceEndpoints {
  const ignored = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true' || settings?.ignore_configured_endpoint_urls === 'true'
  if (ignored) return {}
  const found: Record<string, string> = {}
  for (const service of services) {
    const url =
      env[endpointEnvName(service)] ||
      env.AWS_ENDPOINT_URL ||
      serviceSection?.[`${endpointConfigKey(service)}.endpoint_url`] ||
      settings?.endpoint_url
    if (url) found[service.id] = url
  }
  return found as ServiceEndpoints
}

/** Settings the SDKs understand in a profile section; anything else is reported. */
const knownSettings = new Set([
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_account_id',
  'aws_credential_expiration',
  'region',
  'output',
  'endpoint_url',
  'ignore_configured_endpoint_urls',
  'services',
  'role_arn',
  'source_profile',
  'credential_source',
  'external_id',
  'mfa_serial',
  'role_session_name',
  'duration_seconds',
  'web_identity_token_file',
  'credential_process',
  'sso_session',
  'sso_start_url',
  'sso_region',
  'sso_account_id',
  'sso_role_name',
  'sso_registration_scopes',
  'login_session',
  'ca_bundle',
  'cli_pager',
  'cli_timestamp_format',
  'cli_follow_urlparam',
  'cli_binary_format',
  'cli_auto_prompt',
  'cli_history',
  'max_attempts',
  'retry_mode',
  'metadata_service_timeout',
  'metadata_service_num_attempts',
  'parameter_validation',
  'tcp_keepalive',
  'use_dualstack_endpoint',
  'use_fips_endpoint',
  'defaults_mode',
  'sts_regional_endpoints',
  's3',
  'duration',
  'request_checksum_calculation',
  'response_checksum_validation',
  'account_id_endpoint_mode',
  'sigv4a_signing_region_set',
  'disable_request_compression',
  'request_min_compression_size_bytes',
  'aws_sigv4a_signing_region_set',
  'ec2_metadata_service_endpoint',
  'ec2_metadata_service_endpoint_mode',
  'ec2_metadata_v1_disabled',
  'auth_scheme_preference',
  'user_agent_app_id',
  'sdk_ua_app_id',
  'api_versions',
])

const credentialSources = new Set(['Environment', 'Ec2InstanceMetadata', 'EcsContainer'])

export function configPaths({ env, homeDir }: DiscoveryEnvironment): { configFile: string; credentialsFile: string } {
  const home = homeDir ?? env.HOME ?? env.USERPROFILE ?? homedir()
  return {
    configFile: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  }
}

export async function discoverProfiles(environment: DiscoveryEnvironment): Promise<DiscoveredProfile[]> {
  const { configFile, credentialsFile } = configPaths(environment)
  const files = await loadSharedConfigFiles({ configFilepath: configFile, filepath: credentialsFile, ignoreCache: true })
  const config = files.configFile as Record<string, Record<string, string | undefined>>
  const credentials = files.credentialsFile as Record<string, Record<string, string | undefined>>

  // Sections other than profiles arrive prefixed ("sso-session.x", "services.x").
  const ssoSessions = new Map<string, Record<string, string | undefined>>()
  const services = new Map<string, Record<string, string | undefined>>()
  const settingsByName = new Map<string, Record<string, string | undefined>>()
  for (const [section, values] of Object.entries(config)) {
    if (section.startsWith('sso-session.')) ssoSessions.set(section.slice('sso-session.'.length), values)
    else if (section.startsWith('services.')) services.set(section.slice('services.'.length), values)
    else settingsByName.set(section, { ...values })
  }
  // The credentials file wins for keys it defines, as in the SDKs.
  for (const [name, values] of Object.entries(credentials)) {
    settingsByName.set(name, { ...settingsByName.get(name), ...values })
  }

  const profiles = [...settingsByName.entries()]
    .sort(([a], [b]) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)))
    .map(([name, settings]) => describe(name, settings, settingsByName, ssoSessions, services, environment))

  const env = environment.env
  if (env.AWS_ACCESS_KEY_ID) {
    profiles.unshift({
      name: 'environment',
      kind: 'env',
      source: 'environment',
      region: env.AWS_REGION || env.AWS_DEFAULT_REGION,
      endpoints: endpointsOf(environment.services ?? awsServices, env, undefined, undefined),
      forcePathStyle: false,
      needsMfa: false,
      problem: env.AWS_SECRET_ACCESS_KEY ? undefined : 'AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not.',
    })
  }
  return profiles
}

function describe(
  name: string,
  settings: Record<string, string | undefined>,
  all: Map<string, Record<string, string | undefined>>,
  ssoSessions: Map<string, Record<string, string | undefined>>,
  services: Map<string, Record<string, string | undefined>>,
  environment: DiscoveryEnvironment,
): DiscoveredProfile {
  const serviceSection = settings.services ? services.get(settings.services) : undefined
  const endpoints = endpointsOf(environment.services ?? awsServices, environment.env, settings, serviceSection)
  const base = {
    name,
    source: 'aws-config' as const,
    region: settings.region,
    endpoints,
    forcePathStyle: settings['s3.addressing_style'] === 'path',
    needsMfa: Boolean(settings.mfa_serial),
  }
  const servicesProblem =
    settings.services && !serviceSection ? `services "${settings.services}" has no [services ${settings.services}] section.` : undefined
  const unknown = Object.keys(settings).filter((key) => !knownSettings.has(key.split('.')[0]!))
  const withUnknown = (problem: string | undefined) =>
    problem ??
    servicesProblem ??
    (unknown.length
      ? `Unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; check the spelling.`
      : undefined)

  if (settings.role_arn) {
    let problem: string | undefined
    if (settings.source_profile && settings.credential_source) problem = 'Set source_profile or credential_source, not both.'
    else if (settings.credential_source && !credentialSources.has(settings.credential_source))
      problem = `credential_source "${settings.credential_source}" is not one of Environment, Ec2InstanceMetadata, EcsContainer.`
    else if (!settings.source_profile && !settings.credential_source && !settings.web_identity_token_file)
      problem = 'role_arn needs a source_profile or credential_source to sign AssumeRole.'
    else if (settings.source_profile) problem = checkSourceChain(name, all)
    if (settings.web_identity_token_file && !settings.source_profile && !settings.credential_source) {
      return { ...base, kind: 'web-identity', problem: withUnknown(problem) }
    }
    return {
      ...base,
      kind: 'assume-role',
      sourceProfile: settings.source_profile ?? settings.credential_source,
      problem: withUnknown(problem),
    }
  }
  if (settings.sso_session || settings.sso_start_url) {
    let problem: string | undefined
    const session = settings.sso_session ? ssoSessions.get(settings.sso_session) : undefined
    if (settings.sso_session && !session)
      problem = `sso_session "${settings.sso_session}" has no [sso-session ${settings.sso_session}] section.`
    else if (session && (!session.sso_start_url || !session.sso_region))
      problem = `[sso-session ${settings.sso_session}] needs sso_start_url and sso_region.`
    else if (!session && !settings.sso_region) problem = 'sso_start_url needs sso_region.'
    else if (!settings.sso_account_id || !settings.sso_role_name) problem = 'SSO profiles need sso_account_id and sso_role_name.'
    return { ...base, kind: 'sso', problem: withUnknown(problem) }
  }
  if (settings.credential_process) return { ...base, kind: 'process', problem: withUnknown(undefined) }
  if (settings.web_identity_token_file) return { ...base, kind: 'web-identity', problem: withUnknown(undefined) }
  if (settings.aws_access_key_id || settings.aws_secret_access_key) {
    const problem = !settings.aws_access_key_id
      ? 'aws_secret_access_key is set but aws_access_key_id is not.'
      : !settings.aws_secret_access_key
        ? 'aws_access_key_id is set but aws_secret_access_key is not.'
        : undefined
    return { ...base, kind: settings.aws_session_token ? 'session' : 'static', problem: withUnknown(problem) }
  }
  return {
    ...base,
    kind: 'invalid',
    problem: withUnknown(undefined) ?? 'No credentials: the profile has no keys, role, SSO or credential_process.',
  }
}

/** Follows source_profile links; reports a missing link or a loop, naming the chain. */
function checkSourceChain(start: string, all: Map<string, Record<string, string | undefined>>): string | undefined {
  const chain = [start]
  let current = all.get(start)
  while (current?.source_profile) {
    const next = current.source_profile
    if (chain.includes(next)) {
      // A profile may use itself as source when it also holds static keys (an AWS-documented pattern).
      if (next === chain[chain.length - 1] && current.aws_access_key_id) return undefined
      return `source_profile chain loops: ${[...chain, next].join(' → ')}.`
    }
    chain.push(next)
    current = all.get(next)
    if (!current) return `source_profile "${next}" does not exist (chain: ${chain.join(' → ')}).`
    if (!current.role_arn) return undefined
  }
  return undefined
}

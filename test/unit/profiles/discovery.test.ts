/**
 * Profile discovery against a fixture ~/.aws covering every kind, broken ones included, read with the
 * SDK's own INI loader. Asserted exactly, and with sockets trapped to prove no network is touched.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { discoverProfiles } from '../../../src-main/profiles/discovery'

const config = `
[default]
region = eu-west-2

[profile session]
region = us-west-2

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile sso-new]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = ap-northeast-2

[profile sso-legacy]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Admin

[profile staging]
role_arn = arn:aws:iam::222233334444:role/Deploy
source_profile = default
region = ap-northeast-2

[profile prod-mfa]
role_arn = arn:aws:iam::555566667777:role/Admin
source_profile = default
mfa_serial = arn:aws:iam::111122223333:mfa/jane

[profile chained]
role_arn = arn:aws:iam::555566667777:role/Read
source_profile = staging

[profile on-ec2]
role_arn = arn:aws:iam::555566667777:role/Read
credential_source = Ec2InstanceMetadata

[profile vault]
credential_process = /usr/local/bin/aws-vault export --format=json work
region = us-east-1

[profile k8s]
role_arn = arn:aws:iam::555566667777:role/Pod
web_identity_token_file = /var/run/secrets/token

[profile minio]
endpoint_url = http://127.0.0.1:9000
region = us-east-1
s3 =
  addressing_style = path

[profile split-endpoints]
services = local
region = us-east-1

[services local]
s3 =
  endpoint_url = http://127.0.0.1:4566
sts =
  endpoint_url = http://127.0.0.1:4567
route_53 =
  endpoint_url = http://127.0.0.1:4568
cloudfront =
  endpoint_url = http://127.0.0.1:4569

[profile broken-missing-source]
role_arn = arn:aws:iam::555566667777:role/Read
source_profile = does-not-exist

[profile loop-a]
role_arn = arn:aws:iam::555566667777:role/A
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::555566667777:role/B
source_profile = loop-a

[profile typo]
aws_access_key_id = AKIAEXAMPLETYPO00001
aws_secret_access_key = secret
regoin = us-east-1

[profile broken-sso]
sso_session = nowhere
sso_account_id = 1
sso_role_name = R

[profile bad-source]
role_arn = arn:aws:iam::555566667777:role/Read
credential_source = Laptop

[profile empty]
region = us-east-1

[profile half-keys]
aws_access_key_id = AKIAEXAMPLEHALF00001
`

const credentials = `
[default]
aws_access_key_id = AKIAEXAMPLEDEFAULT01
aws_secret_access_key = default-secret

[session]
aws_access_key_id = ASIAEXAMPLESESSION01
aws_secret_access_key = session-secret
aws_session_token = session-token
`

function fixtureHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'haneul-aws-'))
  mkdirSync(join(home, '.aws'))
  writeFileSync(join(home, '.aws', 'config'), config)
  writeFileSync(join(home, '.aws', 'credentials'), credentials)
  return home
}

afterEach(() => vi.restoreAllMocks())

describe('profile discovery', () => {
  it('lists every profile with its kind, region, endpoints and problem, touching no network', async () => {
    const home = fixtureHome()
    const connect = vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(() => {
      throw new Error('discovery must not use the network')
    })
    const profiles = await discoverProfiles({ env: { HOME: home }, homeDir: home })
    expect(connect).not.toHaveBeenCalled()
    const byName = Object.fromEntries(profiles.map((p) => [p.name, p]))
    const summary = profiles.map((p) => [p.name, p.kind, p.region ?? null, p.problem ?? null])
    expect(summary).toEqual([
      ['default', 'static', 'eu-west-2', null],
      ['bad-source', 'assume-role', null, 'credential_source "Laptop" is not one of Environment, Ec2InstanceMetadata, EcsContainer.'],
      [
        'broken-missing-source',
        'assume-role',
        null,
        'source_profile "does-not-exist" does not exist (chain: broken-missing-source → does-not-exist).',
      ],
      ['broken-sso', 'sso', null, 'sso_session "nowhere" has no [sso-session nowhere] section.'],
      ['chained', 'assume-role', null, null],
      ['empty', 'invalid', 'us-east-1', 'No credentials: the profile has no keys, role, SSO or credential_process.'],
      ['half-keys', 'static', null, 'aws_access_key_id is set but aws_secret_access_key is not.'],
      ['k8s', 'web-identity', null, null],
      ['loop-a', 'assume-role', null, 'source_profile chain loops: loop-a → loop-b → loop-a.'],
      ['loop-b', 'assume-role', null, 'source_profile chain loops: loop-b → loop-a → loop-b.'],
      ['minio', 'invalid', 'us-east-1', 'No credentials: the profile has no keys, role, SSO or credential_process.'],
      ['on-ec2', 'assume-role', null, null],
      ['prod-mfa', 'assume-role', null, null],
      ['session', 'session', 'us-west-2', null],
      ['split-endpoints', 'invalid', 'us-east-1', 'No credentials: the profile has no keys, role, SSO or credential_process.'],
      ['sso-legacy', 'sso', null, null],
      ['sso-new', 'sso', 'ap-northeast-2', null],
      ['staging', 'assume-role', 'ap-northeast-2', null],
      ['typo', 'static', null, 'Unknown setting "regoin"; check the spelling.'],
      ['vault', 'process', 'us-east-1', null],
    ])
    expect(byName['prod-mfa']).toMatchObject({ needsMfa: true, sourceProfile: 'default' })
    expect(byName['on-ec2']).toMatchObject({ sourceProfile: 'Ec2InstanceMetadata' })
    // endpoint_url applies to every service, as in the SDKs: CloudFront calls of a MinIO profile go to MinIO too.
    const minio = 'http://127.0.0.1:9000'
    expect(byName['minio']).toMatchObject({
      endpoints: { s3: minio, sts: minio, cloudfront: minio, route53: minio, codepipeline: minio, cloudwatch: minio },
      forcePathStyle: true,
    })
    // [services] keys are the SDK's service ids in lower case with '_' for spaces: route_53.
    expect(byName['split-endpoints']!.endpoints).toEqual({
      s3: 'http://127.0.0.1:4566',
      sts: 'http://127.0.0.1:4567',
      route53: 'http://127.0.0.1:4568',
      cloudfront: 'http://127.0.0.1:4569',
    })
    expect(byName['default']!.endpoints).toEqual({})
    // Secrets are not part of what discovery returns.
    expect(JSON.stringify(profiles)).not.toMatch(/default-secret|session-secret|session-token/)
  })

  it('honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, and lists environment credentials', async () => {
    const home = fixtureHome()
    const elsewhere = mkdtempSync(join(tmpdir(), 'haneul-aws-elsewhere-'))
    writeFileSync(join(elsewhere, 'cfg'), '[profile only-here]\nregion = sa-east-1\n')
    writeFileSync(join(elsewhere, 'creds'), '[only-here]\naws_access_key_id = AKIAEXAMPLEHERE00001\naws_secret_access_key = s\n')
    const profiles = await discoverProfiles({
      env: {
        HOME: home,
        AWS_CONFIG_FILE: join(elsewhere, 'cfg'),
        AWS_SHARED_CREDENTIALS_FILE: join(elsewhere, 'creds'),
        AWS_ACCESS_KEY_ID: 'AKIAENV',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_REGION: 'eu-central-1',
      },
      homeDir: home,
    })
    expect(profiles.map((p) => [p.name, p.kind, p.source, p.region])).toEqual([
      ['environment', 'env', 'environment', 'eu-central-1'],
      ['only-here', 'static', 'aws-config', 'sa-east-1'],
    ])
  })

  it('reads AWS_ENDPOINT_URL_<SVC> for every listed service before the files, and AWS_ENDPOINT_URL for the rest', async () => {
    const home = fixtureHome()
    const env = {
      HOME: home,
      AWS_ACCESS_KEY_ID: 'AKIAENV',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_ENDPOINT_URL_ROUTE_53: 'http://127.0.0.1:7053',
      AWS_ENDPOINT_URL_CODEPIPELINE: 'http://127.0.0.1:7080',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:7000',
    }
    const profiles = await discoverProfiles({ env, homeDir: home })
    const byName = Object.fromEntries(profiles.map((p) => [p.name, p]))
    const expected = {
      s3: 'http://127.0.0.1:7000',
      sts: 'http://127.0.0.1:7000',
      cloudfront: 'http://127.0.0.1:7000',
      route53: 'http://127.0.0.1:7053',
      codepipeline: 'http://127.0.0.1:7080',
      cloudwatch: 'http://127.0.0.1:7000',
    }
    expect(byName['environment']!.endpoints).toEqual(expected)
    // The environment wins over the config file for every profile, as in the SDKs.
    expect(byName['split-endpoints']!.endpoints).toEqual(expected)
    const ignored = await discoverProfiles({ env: { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, homeDir: home })
    expect(ignored.find((p) => p.name === 'split-endpoints')!.endpoints).toEqual({})
  })

  it('returns nothing, without failing, when there is no ~/.aws at all', async () => {
    const home = mkdtempSync(join(tmpdir(), 'haneul-empty-home-'))
    await expect(discoverProfiles({ env: { HOME: home }, homeDir: home })).resolves.toEqual([])
  })
})

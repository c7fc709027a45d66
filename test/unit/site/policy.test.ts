/**
 * Bucket policies as the site checks read them, from the S3 developer guide's OAC and OAI examples and
 * their usual mistakes: the right principal with another distribution's ARN, a resource outside the
 * origin path, an unconditional Deny, a public statement; and the two fixes keep every other statement.
 */
import { describe, expect, it } from 'vitest'
import { allowsDistribution, isPublic, parsePolicy, withDistributionAllowed, withoutPublicStatements } from '../../../src-main/site/policy'

const ARN = 'arn:aws:cloudfront::123456789012:distribution/E2HANEULDEMO01'
const OAC = { kind: 'origin-access-control' as const }
const OAI = { kind: 'origin-access-identity' as const, accessId: 'E1OAI0000001' }
const doc = (...Statement: unknown[]) => parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement }))!
const oac = (extra: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Principal: { Service: 'cloudfront.amazonaws.com' },
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::site/*',
  Condition: { StringEquals: { 'AWS:SourceArn': ARN } },
  ...extra,
})

describe('allowsDistribution', () => {
  it.each([
    ['the OAC example', doc(oac()), OAC, '', true],
    [
      'another distribution’s ARN',
      doc(oac({ Condition: { StringEquals: { 'AWS:SourceArn': ARN.replace('E2HANEULDEMO01', 'E9OTHER') } } })),
      OAC,
      '',
      false,
    ],
    [
      'a wildcard ARN (ArnLike)',
      doc(oac({ Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:cloudfront::123456789012:distribution/*' } } })),
      OAC,
      '',
      true,
    ],
    ['no condition: any distribution', doc(oac({ Condition: undefined })), OAC, '', true],
    ['s3:* as the action', doc(oac({ Action: ['s3:*'] })), OAC, '', true],
    ['only ListBucket', doc(oac({ Action: 's3:ListBucket' })), OAC, '', false],
    ['a resource of another prefix', doc(oac({ Resource: 'arn:aws:s3:::site/other/*' })), OAC, 'live/', false],
    ['the origin path’s prefix', doc(oac({ Resource: 'arn:aws:s3:::site/live/*' })), OAC, 'live/', true],
    ['an unconditional Deny of the same', doc(oac(), oac({ Effect: 'Deny', Condition: undefined })), OAC, '', false],
    [
      'the OAI user',
      doc({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1OAI0000001' },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::site/*',
      }),
      OAI,
      '',
      true,
    ],
    ['the OAC statement for an OAI origin', doc(oac()), OAI, '', false],
  ])('%s', (_label, policy, access, prefix, expected) => {
    expect(allowsDistribution(policy, 'site', prefix, access, ARN)).toBe(expected)
  })
})

describe('isPublic', () => {
  it('is public with an unconditional Allow to "*" or {AWS: "*"} that reads objects, not otherwise', () => {
    expect(isPublic(doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' }))).toBe(true)
    expect(isPublic(doc({ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 's3:Get*', Resource: 'arn:aws:s3:::site/*' }))).toBe(true)
    expect(
      isPublic(
        doc({
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::site/*',
          Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } },
        }),
      ),
    ).toBe(false)
    expect(isPublic(doc(oac()))).toBe(false)
  })
})

describe('fixes', () => {
  it('adds the distribution’s statement beside the others, with a Sid of its own', () => {
    const current = JSON.stringify({
      Version: '2012-10-17',
      Statement: [oac({ Sid: 'AllowCloudFrontServicePrincipalReadOnly', Condition: { StringEquals: { 'AWS:SourceArn': 'x' } } })],
    })
    const next = parsePolicy(withDistributionAllowed(current, 'site', 'live/', OAC, ARN))!
    expect(next.Statement.map((s) => s.Sid)).toEqual([
      'AllowCloudFrontServicePrincipalReadOnly',
      'AllowCloudFrontServicePrincipalReadOnly2',
    ])
    expect(next.Statement[1]).toMatchObject({ Resource: 'arn:aws:s3:::site/live/*', Condition: { StringEquals: { 'AWS:SourceArn': ARN } } })
    expect(allowsDistribution(next, 'site', 'live/', OAC, ARN)).toBe(true)
    const fresh = parsePolicy(withDistributionAllowed(undefined, 'site', '', OAI, ARN))!
    expect(allowsDistribution(fresh, 'site', '', OAI, ARN)).toBe(true)
  })

  it('removes only the public statements, and the whole policy when nothing else is left', () => {
    const open = { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' }
    const both = JSON.stringify({ Version: '2012-10-17', Statement: [oac({ Sid: 'Oac' }), open] })
    expect(parsePolicy(withoutPublicStatements(both)!)!.Statement.map((s) => s.Sid)).toEqual(['Oac'])
    expect(withoutPublicStatements(JSON.stringify({ Version: '2012-10-17', Statement: [open] }))).toBeUndefined()
  })
})

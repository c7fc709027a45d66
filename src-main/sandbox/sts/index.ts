/**
 * Emulated STS (Query protocol): AssumeRole, with MFA where the role demands it, and GetCallerIdentity.
 * Issued session credentials are registered with the sandbox's CredentialRegistry, so every other
 * emulated service accepts them until they expire — which is how tests exercise credential refresh.
 */
import { randomBytes } from 'node:crypto'
import { SANDBOX_ACCOUNT_ID, type CredentialRegistry } from '../credentials'
import { EmulatedError } from '../framework/emulated-error'
import { queryService } from '../framework/query-service'

export interface SandboxRole {
  arn: string
  /** When set, AssumeRole needs SerialNumber = this and a valid TokenCode. */
  mfaSerial?: string
}

export interface StsEmulatorOptions {
  credentials: CredentialRegistry
  roles: SandboxRole[]
  /** The code the sandbox's virtual MFA device shows. */
  mfaCode: string
  nowMs?: () => number
}

const xmlns = 'https://sts.amazonaws.com/doc/2011-06-15/'

function randomId(prefix: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const bytes = randomBytes(length)
  return prefix + Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('')
}

export function createStsEmulator({ credentials, roles, mfaCode, nowMs = Date.now }: StsEmulatorOptions) {
  /** How many times each action was called: tests assert "exactly one AssumeRole". */
  const calls: Record<string, number> = {}
  const count = (action: string) => (calls[action] = (calls[action] ?? 0) + 1)

  const handle = queryService(
    {
      AssumeRole(params) {
        count('AssumeRole')
        const roleArn = params.get('RoleArn') ?? ''
        const sessionName = params.get('RoleSessionName') ?? ''
        const role = roles.find((r) => r.arn === roleArn)
        if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
          throw new EmulatedError(
            'ValidationError',
            "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint",
            400,
          )
        }
        if (!role) throw new EmulatedError('AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403)
        if (role.mfaSerial) {
          if (params.get('SerialNumber') !== role.mfaSerial || !params.get('TokenCode')) {
            throw new EmulatedError(
              'AccessDenied',
              'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.',
              403,
            )
          }
          if (params.get('TokenCode') !== mfaCode) {
            throw new EmulatedError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.', 403)
          }
        }
        const durationSeconds = Number(params.get('DurationSeconds') ?? 3600)
        if (!Number.isInteger(durationSeconds) || durationSeconds < 900 || durationSeconds > 43200) {
          throw new EmulatedError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400)
        }
        const expiresAtMs = nowMs() + durationSeconds * 1000
        const accessKeyId = randomId('ASIA', 16)
        const secretAccessKey = randomBytes(30).toString('base64')
        const sessionToken = randomBytes(96).toString('base64')
        const roleName = roleArn.split('/').pop()
        const assumedArn = `arn:aws:sts::${SANDBOX_ACCOUNT_ID}:assumed-role/${roleName}/${sessionName}`
        credentials.add({ accessKeyId, secretAccessKey, sessionToken, expiresAtMs, arn: assumedArn })
        return {
          Credentials: {
            AccessKeyId: accessKeyId,
            SecretAccessKey: secretAccessKey,
            SessionToken: sessionToken,
            Expiration: new Date(expiresAtMs).toISOString(),
          },
          AssumedRoleUser: { AssumedRoleId: `${randomId('AROA', 16)}:${sessionName}`, Arn: assumedArn },
        }
      },
      GetCallerIdentity(_params, caller) {
        count('GetCallerIdentity')
        return { UserId: caller.accessKeyId, Account: SANDBOX_ACCOUNT_ID, Arn: caller.arn }
      },
    },
    credentials,
    xmlns,
  )
  return { handle, calls }
}

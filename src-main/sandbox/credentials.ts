/**
 * Who may call the sandbox's emulated services. The sandbox checks every request's access key the way
 * AWS does, so a wrong or expired credential fails here exactly as it would against the real thing.
 */

/** The sandbox profile's long-term key. Not a secret worth hiding, but main still never sends it to the renderer. */
export const SANDBOX_ACCESS_KEY_ID = 'AKIAHANEULSANDBOX001'
export const SANDBOX_SECRET_ACCESS_KEY = 'haneul-sandbox-secret-key-not-for-aws'
export const SANDBOX_ACCOUNT_ID = '123456789012'

export interface SandboxCredential {
  accessKeyId: string
  secretAccessKey: string
  /** Present for temporary credentials issued by the emulated STS. */
  sessionToken?: string
  /** Epoch milliseconds after which requests fail with ExpiredToken. */
  expiresAtMs?: number
  /** The identity reported by GetCallerIdentity. */
  arn: string
  /**
   * IAM-style actions this credential is refused, e.g. 's3:DeleteObject' or 's3:*'. Lets tests and demos
   * show a permission error from the server without a policy engine.
   */
  deniedActions?: string[]
}

export type CredentialLookup =
  { ok: true; credential: SandboxCredential } | { ok: false; code: 'InvalidAccessKeyId' | 'ExpiredToken' | 'InvalidToken'; message: string }

export class CredentialRegistry {
  private readonly byKeyId = new Map<string, SandboxCredential>()

  constructor(private readonly nowMs: () => number = Date.now) {
    this.add({
      accessKeyId: SANDBOX_ACCESS_KEY_ID,
      secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
      arn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:user/sandbox`,
    })
  }

  add(credential: SandboxCredential): void {
    this.byKeyId.set(credential.accessKeyId, credential)
  }

  /** Checks a request's access key and session token the way AWS does, in AWS's order. */
  lookup(accessKeyId: string, sessionToken: string | undefined): CredentialLookup {
    const credential = this.byKeyId.get(accessKeyId)
    if (!credential) {
      return { ok: false, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' }
    }
    if (credential.sessionToken !== undefined && credential.sessionToken !== sessionToken) {
      return { ok: false, code: 'InvalidToken', message: 'The provided token is malformed or otherwise invalid.' }
    }
    if (credential.expiresAtMs !== undefined && this.nowMs() >= credential.expiresAtMs) {
      return { ok: false, code: 'ExpiredToken', message: 'The provided token has expired.' }
    }
    return { ok: true, credential }
  }
}

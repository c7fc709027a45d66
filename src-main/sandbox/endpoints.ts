/** Where the sandbox's services listen. Shared by the sandbox process and main. */
import type { ServiceEndpoints } from '../api/services'

/** One loopback URL per emulated service; a service without an emulator yet has none. */
export type SandboxEndpoints = ServiceEndpoints

export const SANDBOX_REGION = 'us-east-1'
/** Role the sandbox's demo "assume-role with MFA" profile uses, and the code its virtual MFA device shows. */
export const SANDBOX_MFA_ROLE_ARN = 'arn:aws:iam::123456789012:role/haneul-demo-mfa'
export const SANDBOX_MFA_SERIAL = 'arn:aws:iam::123456789012:mfa/sandbox'
export const SANDBOX_MFA_CODE = '123456'
export const SANDBOX_ADMIN_ROLE_ARN = 'arn:aws:iam::123456789012:role/haneul-demo-admin'

/** Events main pushes to the renderer. One union, so a listener's switch is checked exhaustively. */
import type { JobSnapshot } from './jobs'
import type { ProfileSummary } from './profiles'

export type ConnectivityState = 'online' | 'offline' | 'signed-out' | 'unknown'

export type AppEvent =
  | { type: 'profiles.changed'; profiles: ProfileSummary[]; activeId: string }
  | { type: 'connectivity.changed'; profileId: string; state: ConnectivityState; checkedAtMs: number }
  | { type: 'sandbox.changed'; state: 'starting' | 'running' | 'stopped' | 'failed'; message?: string }
  /** An assume-role profile needs a one-time code; answer with profiles.submitMfa. */
  | { type: 'mfa.requested'; promptId: string; profileId: string; profileName: string; serial: string }
  | { type: 'mfa.settled'; promptId: string }
  /** A bulk job moved on (throttled to a few per second) or finished. */
  | { type: 'job.progress'; job: JobSnapshot }
  | { type: 'job.done'; job: JobSnapshot }

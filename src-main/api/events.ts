/** Events main pushes to the renderer. One union, so a listener's switch is checked exhaustively. */
import type { JobSnapshot } from './jobs'
import type { ProfileSummary } from './profiles'
import type { TransferView } from './transfers'

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
  /** Transfers that changed since the last event (≈ 5 per second while any runs). */
  | { type: 'transfers.updated'; transfers: TransferView[] }
  /** A batch of transfers (one drop, one download) finished. */
  | { type: 'transfers.batchDone'; batchId: string; done: number; failed: number }
  /** Files were dropped on the window; main holds their paths under dropId. */
  | { type: 'drop.received'; dropId: string; items: Array<{ name: string; isDirectory: boolean; files: number; bytes: number }> }

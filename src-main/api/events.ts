/** Events main pushes to the renderer. One union, so a listener's switch is checked exhaustively. */
import type { PendingApproval } from './codepipeline'
import type { JobSnapshot, WatchSnapshot } from './jobs'
import type { ProfileSummary } from './profiles'
import type { PublishView } from './publish'
import type { TransferView } from './transfers'

/** One service endpoint of a profile. */
export type EndpointState = 'online' | 'offline' | 'unknown'
/** A profile in one word: every endpoint seen reachable, some not, none, or its session is gone. */
export type ConnectivityState = 'online' | 'partly-offline' | 'offline' | 'signed-out' | 'unknown'
export interface EndpointConnectivity {
  /** A service id of the service list (api/services.ts). */
  service: string
  /** The service's name for people ("Route 53"). */
  label?: string
  url?: string
  state: EndpointState
}
export interface ConnectivitySummary {
  state: ConnectivityState
  /** Every endpoint of the profile that a call or probe has touched. */
  endpoints: EndpointConnectivity[]
}

export type AppEvent =
  | { type: 'profiles.changed'; profiles: ProfileSummary[]; activeId: string }
  | ({ type: 'connectivity.changed'; profileId: string; checkedAtMs: number } & ConnectivitySummary)
  | { type: 'sandbox.changed'; state: 'starting' | 'running' | 'stopped' | 'failed'; message?: string }
  /** An assume-role profile needs a one-time code; answer with profiles.submitMfa. */
  | { type: 'mfa.requested'; promptId: string; profileId: string; profileName: string; serial: string }
  | { type: 'mfa.settled'; promptId: string }
  /** A bulk job moved on (throttled to a few per second) or finished. */
  | { type: 'job.progress'; job: JobSnapshot }
  | { type: 'job.done'; job: JobSnapshot }
  /** A watch changed status or ended. */
  | { type: 'watch.changed'; watch: WatchSnapshot }
  /** Reading a distribution's standard logs (cloudfront.analyzeLogs with this request id) moved on. */
  | { type: 'cloudfront.logsProgress'; requestId: string; filesDone: number; filesTotal: number; bytesDone: number; bytesTotal: number }
  /** A costs.scanPrefix with this request id has listed this many objects so far (a few events a second). */
  | { type: 'costs.scanProgress'; requestId: string; objects: number; bytes: number }
  /** Manual approvals waiting now in the watched pipelines of every profile (the Pipelines badge). */
  | { type: 'codepipeline.approvals'; approvals: PendingApproval[] }
  /** Main asks the window to show a route (the user clicked a notification). */
  | { type: 'app.navigate'; route: string }
  /** Transfers that changed since the last event (≈ 5 per second while any runs). */
  | { type: 'transfers.updated'; transfers: TransferView[] }
  /** A site publish moved (≈ 5 a second while uploading, and on every change of state). */
  | { type: 'publish.changed'; publish: PublishView }
  /** A batch of transfers (one drop, one download) finished. */
  | { type: 'transfers.batchDone'; batchId: string; done: number; failed: number }
  /** Files were dropped on the window; main holds their paths under dropId. */
  | { type: 'drop.received'; dropId: string; items: Array<{ name: string; isDirectory: boolean; files: number; bytes: number }> }

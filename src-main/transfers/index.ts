/** The transfer engine's public surface (the panel's service, drops and drag-out sit beside it). */
export { TransferEngine, type TransferEngineDeps } from './engine'
export { TransferConfigSchema, resolveTransferConfig, S3_LIMITS, type TransferConfig } from './config'
export {
  nodeFileSystem,
  systemClock,
  type Clock,
  type Connectivity,
  type FileStats,
  type S3ClientSource,
  type TransferFileHandle,
  type TransferFileSystem,
} from './deps'
export { planParts, type PartPlan } from './part-plan'
export type { RetryInfo, FailureKind } from './retry'
export type {
  ChecksumReport,
  DownloadPrefixRequest,
  DownloadRequest,
  TransferKind,
  TransferSnapshot,
  TransferState,
  TransferSubscriber,
  UploadRequest,
} from './model'
export { createHasher, type ChecksumAlgorithm, type Hasher } from './checksums'

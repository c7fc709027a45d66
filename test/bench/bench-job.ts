/** What run.ts asks a benchmark child process to do. */
import type { TransferConfig } from '../../src-main/transfers/index'

export interface BenchJob {
  endpoint: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  mode: 'upload-file' | 'download-file' | 'upload-dir' | 'download-prefix'
  bucket: string
  /** The object key, or the key prefix for upload-dir and download-prefix. */
  key: string
  /** The file to upload or download to, or the folder for upload-dir and download-prefix. */
  localPath: string
  /** Haneul only; the benchmark uses the defaults unless a flag says otherwise. */
  config?: Partial<TransferConfig>
}

/**
 * Uploads and downloads as main reports them, plus the drop-to-upload flow: a drop on a folder waits for
 * main to register the files, asks main for a plan (sizes, existing keys), asks the user what to do
 * about conflicts, then starts the batch.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { TransferView } from '../../src-main/api/transfers'
import { api, messageOf } from '../api'
import { useAppEvent } from '../composables/events'
import { i18n } from '../i18n'
import { useProfilesStore } from './profiles'

type Plan = Awaited<ReturnType<typeof api.transfers.planUpload>>
export interface PendingUpload {
  dropId: string
  profileId: string
  bucket: string
  prefix: string
  plan: Plan
}

const finished = new Set(['done', 'failed', 'cancelled'])

export const useTransfersStore = defineStore('transfers', () => {
  /** Every transfer main knows, by job id. */
  const byId = ref(new Map<string, TransferView>())
  /** An upload waiting for the user's answer about conflicts. */
  const pending = ref<PendingUpload>()
  const error = ref<string>()
  /** Where the next registered drop goes (set by the view's drop handler). */
  let dropTarget: { bucket: string; prefix: string; at: number } | undefined
  const batchListeners = new Set<(batchId: string) => void>()

  const transfers = computed(() => [...byId.value.values()])
  const active = computed(() => transfers.value.filter((t) => !finished.has(t.state)))
  /** Totals over unfinished transfers, for the panel header and the status bar. */
  const totals = computed(() => {
    const list = active.value
    const bytesDone = list.reduce((n, t) => n + t.bytesDone, 0)
    const bytesTotal = list.reduce((n, t) => n + t.bytesTotal, 0)
    const bytesPerSecond = list.reduce((n, t) => n + t.bytesPerSecond, 0)
    return {
      count: list.length,
      bytesDone,
      bytesTotal,
      bytesPerSecond,
      etaSeconds: bytesPerSecond > 0 ? (bytesTotal - bytesDone) / bytesPerSecond : undefined,
    }
  })

  function merge(views: TransferView[]): void {
    const next = new Map(byId.value)
    for (const view of views) {
      // Events can overtake each other; never let a snapshot go back in time.
      const known = next.get(view.jobId)
      if (known && known.updatedAtMs > view.updatedAtMs) continue
      next.set(view.jobId, view)
    }
    byId.value = next
  }

  useAppEvent(['transfers.updated', 'transfers.batchDone', 'drop.received'], (event) => {
    if (event.type === 'transfers.updated') merge(event.transfers)
    else if (event.type === 'transfers.batchDone') for (const listener of batchListeners) listener(event.batchId)
    else if (event.type === 'drop.received' && dropTarget && Date.now() - dropTarget.at < 10_000) {
      const target = dropTarget
      dropTarget = undefined
      void plan(event.dropId, target.bucket, target.prefix)
    }
  })

  async function load(): Promise<void> {
    merge((await api.transfers.list({})).transfers)
  }

  /** The view saw a drop on this folder; main's drop.received follows. */
  function expectDrop(bucket: string, prefix: string): void {
    dropTarget = { bucket, prefix, at: Date.now() }
  }

  async function plan(dropId: string, bucket: string, prefix: string): Promise<void> {
    const profileId = useProfilesStore().activeId
    error.value = undefined
    try {
      const result = await api.transfers.planUpload({ dropId, profileId, bucket, prefix })
      const upload = { dropId, profileId, bucket, prefix, plan: result }
      if (result.conflictCount > 0 || result.refused.length > 0) pending.value = upload
      else await start(upload, 'overwrite')
    } catch (e) {
      error.value = messageOf(e)
    }
  }

  async function start(upload: PendingUpload, onConflict: 'overwrite' | 'skip' | 'rename'): Promise<string | undefined> {
    pending.value = undefined
    if (upload.plan.files === 0) return undefined
    try {
      const { batchId } = await api.transfers.startUpload({
        dropId: upload.dropId,
        profileId: upload.profileId,
        bucket: upload.bucket,
        prefix: upload.prefix,
        onConflict,
      })
      return batchId
    } catch (e) {
      error.value = messageOf(e)
      return undefined
    }
  }

  /** The "Upload…" button: the OS dialog in main, then the same flow as a drop. */
  async function choose(bucket: string, prefix: string, folders: boolean): Promise<void> {
    const chosen = await api.transfers.chooseFiles({ folders })
    if (chosen.dropId) await plan(chosen.dropId, bucket, prefix)
  }

  async function download(bucket: string, sourcePrefix: string, keys: string[], prefixes: string[]): Promise<void> {
    error.value = undefined
    try {
      const result = await api.transfers.download({ profileId: useProfilesStore().activeId, bucket, sourcePrefix, keys, prefixes })
      const lines = result.refused.map((r) => `${r.key}: ${r.reason}`)
      if (result.renamed) lines.unshift(i18n.global.t('download.renamed', { n: result.renamed }))
      if (lines.length) error.value = lines.join('\n')
    } catch (e) {
      error.value = messageOf(e)
    }
  }

  function onBatchDone(listener: (batchId: string) => void): () => void {
    batchListeners.add(listener)
    return () => batchListeners.delete(listener)
  }

  async function clearFinished(): Promise<void> {
    await api.transfers.clearFinished({})
    byId.value = new Map([...byId.value].filter(([, t]) => !finished.has(t.state)))
  }

  return {
    transfers,
    active,
    totals,
    pending,
    error,
    load,
    expectDrop,
    start,
    choose,
    download,
    onBatchDone,
    clearFinished,
    cancelPending: () => (pending.value = undefined),
    pause: (jobId: string) => api.transfers.pause({ jobId }),
    resume: (jobId: string) => api.transfers.resume({ jobId }),
    retry: (jobId: string) => api.transfers.retry({ jobId }),
    cancel: (jobId: string) => api.transfers.cancel({ jobId }),
    showInFolder: (jobId: string) => api.transfers.showInFolder({ jobId }),
  }
})

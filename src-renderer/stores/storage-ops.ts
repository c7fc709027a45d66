/**
 * What the storage browser's buttons do: bucket and folder operations, the dialogs that ask before
 * them, and the refresh after them. The views only open a dialog and show it; the calls to main are
 * here, so they can be tested with a bridge instead of a browser.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, isCode, messageOf } from '../api'
import { useCloudFrontStore } from './cloudfront'
import { useJobsStore } from './jobs'
import { useProfilesStore } from './profiles'
import { useStorageStore } from './storage'

/** Deleting more than this many keys (or any folder) asks the user to type the count. */
export const TYPED_CONFIRM_THRESHOLD = 100

export type StorageDialog =
  | { kind: 'create-bucket' }
  | { kind: 'delete-bucket'; bucket: string; error?: string }
  | { kind: 'new-folder'; error?: string }
  | { kind: 'rename'; key: string; error?: string }
  | { kind: 'overwrite'; key: string; newKey: string }
  | { kind: 'delete'; keys: string[]; prefixes: string[]; count: number; typed: boolean; versioned: boolean; error?: string }
  | { kind: 'copy' | 'move'; keys: string[]; prefixes: string[]; conflicts?: string[]; error?: string }
  | { kind: 'uploads' }

export interface Destination {
  profileId: string
  bucket: string
  prefix: string
}

export const useStorageOpsStore = defineStore('storage-ops', () => {
  const storage = useStorageStore()
  const profiles = useProfilesStore()
  const jobs = useJobsStore()

  /** The dialog on screen, with the error of its last attempt. */
  const dialog = ref<StorageDialog>()
  /** The folder shows its object versions instead of the listing. */
  const showVersions = ref(false)

  const selectedKeys = computed(() => storage.selectedRows.flatMap((row) => (row.kind === 'object' ? [row.object.key] : [])))
  const selectedPrefixes = computed(() => storage.selectedRows.flatMap((row) => (row.kind === 'folder' ? [row.prefix] : [])))
  const hasSelection = computed(() => storage.selection.size > 0)
  const target = () => ({ profileId: profiles.activeId, bucket: storage.bucket! })

  function close(): void {
    dialog.value = undefined
  }

  async function deleteBucket(bucket: string): Promise<void> {
    try {
      await api.s3.deleteBucket({ profileId: profiles.activeId, bucket, confirm: bucket })
      close()
      await storage.refresh()
    } catch (e) {
      dialog.value = { kind: 'delete-bucket', bucket, error: messageOf(e) }
    }
  }

  async function createFolder(name: string): Promise<void> {
    const clean = name.replace(/\/+$/, '')
    try {
      await api.s3.createFolder({ ...target(), prefix: `${storage.prefix}${clean}/` })
      close()
      await storage.refresh()
    } catch (e) {
      dialog.value = { kind: 'new-folder', error: messageOf(e) }
    }
  }

  /** Renames one key; an existing target asks before it is overwritten. */
  async function rename(key: string, newKey: string, overwrite = false): Promise<void> {
    try {
      await api.s3.rename({ ...target(), key, newKey, overwrite })
      close()
      await storage.refresh()
    } catch (e) {
      if (isCode(e, 'conflict')) dialog.value = { kind: 'overwrite', key, newKey }
      else dialog.value = { kind: 'rename', key, error: messageOf(e) }
    }
  }

  /** Small deletes confirm with a click; folders or many keys make the user type the count. */
  async function askDelete(): Promise<void> {
    const keys = selectedKeys.value
    const prefixes = selectedPrefixes.value
    let total = keys.length
    let versioned = false
    if (prefixes.length) {
      try {
        const counted = await api.s3.countPrefix({ ...target(), prefixes })
        total += counted.objects
        versioned = counted.versioned
      } catch (e) {
        storage.listingError = { code: 'internal', message: messageOf(e), retryable: true }
        return
      }
    }
    dialog.value = {
      kind: 'delete',
      keys,
      prefixes,
      count: total,
      versioned,
      typed: prefixes.length > 0 || total > TYPED_CONFIRM_THRESHOLD,
    }
  }

  async function runDelete(keys: string[], prefixes: string[], count: number): Promise<void> {
    try {
      const { jobId } = await api.s3.delete({ ...target(), keys, prefixes, confirmCount: count })
      close()
      await jobs.whenDone(jobId)
      await storage.refresh()
    } catch (e) {
      if (dialog.value?.kind === 'delete') dialog.value = { ...dialog.value, error: messageOf(e) }
    }
  }

  /** Copies or moves; with conflicts (and `fail`) the dialog comes back listing them. */
  async function runCopyMove(
    kind: 'copy' | 'move',
    keys: string[],
    prefixes: string[],
    destination: Destination,
    onConflict: 'fail' | 'overwrite' | 'skip',
  ): Promise<void> {
    try {
      const request = { ...target(), sourcePrefix: storage.prefix, keys, prefixes, destination, onConflict }
      const { jobId } = kind === 'copy' ? await api.s3.copy(request) : await api.s3.move(request)
      const job = await jobs.whenDone(jobId)
      if (job.conflicts?.length) {
        dialog.value = { kind, keys, prefixes, conflicts: job.conflicts }
        jobs.dismiss(jobId)
        return
      }
      close()
      await storage.refresh()
    } catch (e) {
      dialog.value = { kind, keys, prefixes, error: messageOf(e) }
    }
  }

  /** Distributions fronting the open bucket (found when it opens): where "Invalidate in CloudFront…" is offered. */
  const fronting = computed(() => useCloudFrontStore().frontingFor(storage.bucket))

  /** Opens the invalidation dialog for the selected objects and folders, mapped to paths by main. */
  function askInvalidate(): void {
    const choices = fronting.value
    if (!choices[0] || !storage.bucket || !hasSelection.value) return
    useCloudFrontStore().startInvalidation({
      distributionId: choices[0].id,
      choices,
      objects: { bucket: storage.bucket, keys: selectedKeys.value, prefixes: selectedPrefixes.value },
    })
  }

  return {
    dialog,
    fronting,
    askInvalidate,
    showVersions,
    selectedKeys,
    selectedPrefixes,
    hasSelection,
    close,
    deleteBucket,
    createFolder,
    rename,
    askDelete,
    runDelete,
    runCopyMove,
  }
})

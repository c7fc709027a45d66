/**
 * The storage browser's state: buckets of the active profile and the listing of one bucket prefix,
 * streamed page by page. A generation number tags every request so a late reply for a previous profile
 * or folder is dropped instead of mixing into the current view.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { BucketSummary, ObjectSummary } from '../../src-main/api/s3'
import { api, ApiCallError } from '../api'
import { useProfilesStore } from './profiles'

export interface ListingError {
  code: string
  message: string
  retryable: boolean
}

const toError = (error: unknown): ListingError =>
  error instanceof ApiCallError
    ? { code: error.code, message: error.message, retryable: error.retryable }
    : { code: 'internal', message: String(error), retryable: false }

export const useStorageStore = defineStore('storage', () => {
  /** Buckets of the active profile. */
  const buckets = shallowRef<BucketSummary[]>([])
  const bucketsLoading = ref(false)
  const bucketsError = ref<ListingError | undefined>()
  /** The open bucket, or undefined at the bucket list. */
  const bucket = ref<string | undefined>()
  /** The open folder inside the bucket: '' or a prefix ending in '/'. */
  const prefix = ref('')
  /** Sub-folders (common prefixes) and objects at the open folder, in S3's order. */
  const folders = shallowRef<string[]>([])
  const objects = shallowRef<ObjectSummary[]>([])
  /** True until the last page of the listing has arrived. */
  const listing = ref(false)
  const listingError = ref<ListingError | undefined>()

  let generation = 0
  let controller: AbortController | undefined

  async function loadBuckets(): Promise<void> {
    const profileId = useProfilesStore().activeId
    const mine = ++generation
    controller?.abort()
    bucket.value = undefined
    bucketsLoading.value = true
    bucketsError.value = undefined
    try {
      const result = await api.s3.listBuckets({ profileId })
      if (mine === generation) buckets.value = result.buckets
    } catch (error) {
      if (mine === generation) {
        buckets.value = []
        bucketsError.value = toError(error)
      }
    } finally {
      if (mine === generation) bucketsLoading.value = false
    }
  }

  /** Opens a folder and streams its listing, one page of up to 1,000 entries at a time. */
  async function open(bucketName: string, folder = ''): Promise<void> {
    const profileId = useProfilesStore().activeId
    const mine = ++generation
    controller?.abort()
    controller = new AbortController()
    const signal = controller.signal
    bucket.value = bucketName
    prefix.value = folder
    folders.value = []
    objects.value = []
    listingError.value = undefined
    listing.value = true
    let nextToken: string | undefined
    try {
      do {
        const page = await api.s3.listObjects({ profileId, bucket: bucketName, prefix: folder, delimiter: '/', nextToken }, { signal })
        if (mine !== generation) return
        folders.value = folders.value.concat(page.prefixes)
        // The folder's own placeholder object ("photos/") is the folder itself, not a child.
        objects.value = objects.value.concat(page.objects.filter((o) => o.key !== folder))
        nextToken = page.nextToken
      } while (nextToken)
    } catch (error) {
      if (mine === generation && !(error instanceof ApiCallError && error.code === 'cancelled')) listingError.value = toError(error)
    } finally {
      if (mine === generation) listing.value = false
    }
  }

  function up(): Promise<void> {
    if (!bucket.value) return Promise.resolve()
    if (!prefix.value) return loadBuckets()
    const parts = prefix.value.slice(0, -1).split('/')
    parts.pop()
    return open(bucket.value, parts.length ? `${parts.join('/')}/` : '')
  }

  function refresh(): Promise<void> {
    return bucket.value ? open(bucket.value, prefix.value) : loadBuckets()
  }

  return { buckets, bucketsLoading, bucketsError, bucket, prefix, folders, objects, listing, listingError, loadBuckets, open, up, refresh }
})

/** The object shown in the details panel, and the edits made there (each one a call to main). */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ObjectDetails } from '../../src-main/api/s3'
import { api } from '../api'
import { useProfilesStore } from './profiles'
import { toError, type ListingError } from './storage'

type StorageClass = Parameters<typeof api.s3.changeStorageClass>[0]['storageClass']
type Tier = Parameters<typeof api.s3.restoreObject>[0]['tier']

export const useDetailsStore = defineStore('details', () => {
  /** Where the shown object lives. */
  const bucket = ref<string | undefined>()
  const key = ref<string | undefined>()
  const details = ref<ObjectDetails | undefined>()
  const loading = ref(false)
  const error = ref<ListingError | undefined>()
  /** A confirmation of the last action, shown briefly. */
  const notice = ref<string | undefined>()
  let generation = 0

  const target = () => ({ profileId: useProfilesStore().activeId, bucket: bucket.value!, key: key.value! })

  async function show(bucketName: string, objectKey: string): Promise<void> {
    const mine = ++generation
    bucket.value = bucketName
    key.value = objectKey
    details.value = undefined
    error.value = undefined
    notice.value = undefined
    loading.value = true
    try {
      const result = await api.s3.objectDetails({ profileId: useProfilesStore().activeId, bucket: bucketName, key: objectKey })
      if (mine === generation) details.value = result
    } catch (e) {
      if (mine === generation) error.value = toError(e)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  function close(): void {
    generation++
    bucket.value = key.value = undefined
    details.value = undefined
  }

  /** Runs an edit; the panel then shows the object as S3 reports it, if it still shows that object. */
  async function edit(action: () => Promise<ObjectDetails | void>, done: string): Promise<boolean> {
    const mine = generation
    const [forBucket, forKey] = [bucket.value!, key.value!]
    error.value = undefined
    notice.value = undefined
    try {
      const updated = await action()
      if (mine !== generation) return true
      if (updated) details.value = updated
      else await show(forBucket, forKey)
      notice.value = done
      return true
    } catch (e) {
      if (mine === generation) error.value = toError(e)
      return false
    }
  }

  return {
    bucket,
    key,
    details,
    loading,
    error,
    notice,
    show,
    close,
    saveMetadata: (system: ObjectDetails['system'], metadata: Record<string, string>, done: string) =>
      edit(() => api.s3.updateMetadata({ ...target(), system, metadata }), done),
    saveTags: (tags: Record<string, string>, done: string) => edit(async () => void (await api.s3.putTags({ ...target(), tags })), done),
    changeClass: (storageClass: StorageClass, done: string) => edit(() => api.s3.changeStorageClass({ ...target(), storageClass }), done),
    restore: (days: number, tier: Tier, done: string) =>
      edit(async () => void (await api.s3.restoreObject({ ...target(), days, tier })), done),
    /** Makes a presigned URL and puts it on the clipboard; returns it for display. */
    async presign(expiresInSeconds: number): Promise<string | undefined> {
      error.value = undefined
      try {
        const { url } = await api.s3.presignGet({ ...target(), expiresInSeconds, copyToClipboard: true })
        return url
      } catch (e) {
        error.value = toError(e)
        return undefined
      }
    },
  }
})

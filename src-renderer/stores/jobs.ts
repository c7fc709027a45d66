/** Bulk jobs (copy, move, delete) running in main, as their events report them. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { JobSnapshot } from '../../src-main/api/jobs'
import { api } from '../api'
import { useAppEvent } from '../composables/events'

export const useJobsStore = defineStore('jobs', () => {
  /** Every job seen in this session, newest last. */
  const jobs = ref<JobSnapshot[]>([])
  const running = computed(() => jobs.value.filter((job) => job.state === 'running'))
  const listeners = new Set<(job: JobSnapshot) => void>()

  useAppEvent(['job.progress', 'job.done'], (event) => {
    const index = jobs.value.findIndex((job) => job.jobId === event.job.jobId)
    const next = index < 0 ? [...jobs.value, event.job] : jobs.value.map((job, i) => (i === index ? event.job : job))
    // Keep every running job and the 20 newest finished ones, as a session can run thousands.
    const finished = next.filter((job) => job.state !== 'running')
    const dropped = new Set(finished.slice(0, Math.max(0, finished.length - 20)).map((job) => job.jobId))
    jobs.value = next.filter((job) => !dropped.has(job.jobId))
    if (event.type === 'job.done') for (const listener of listeners) listener(event.job)
  })

  /** Resolves when the job ends, with its final snapshot (the view refreshes then). */
  function whenDone(jobId: string): Promise<JobSnapshot> {
    const finished = jobs.value.find((job) => job.jobId === jobId && job.state !== 'running')
    if (finished) return Promise.resolve(finished)
    return new Promise((resolve) => {
      const listener = (job: JobSnapshot) => {
        if (job.jobId !== jobId) return
        listeners.delete(listener)
        resolve(job)
      }
      listeners.add(listener)
    })
  }

  function dismiss(jobId: string): void {
    jobs.value = jobs.value.filter((job) => job.jobId !== jobId)
  }

  return { jobs, running, whenDone, dismiss, cancel: (jobId: string) => api.jobs.cancel({ jobId }) }
})

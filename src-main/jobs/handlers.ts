/**
 * The contract's jobs.* operations: bulk jobs (running or finished, cancel one) and watches (long
 * waits on AWS, see watchers.ts). Closing cancels running jobs and stops every watch.
 */
import type { ModuleOf } from '../router'
import type { JobRunner } from './job-runner'
import type { Watchers } from './watchers'

export function createJobsModule(jobs: JobRunner, watchers: Watchers): ModuleOf<'jobs'> {
  return {
    handlers: {
      list: async () => ({ jobs: jobs.list() }),
      cancel: async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
      watches: async () => ({ watches: watchers.list() }),
      cancelWatch: async ({ watchId }) => ({ cancelled: watchers.cancel(watchId) }),
    },
    close() {
      jobs.cancelAll()
      watchers.close()
    },
  }
}

/** The contract's jobs.* operations: what bulk jobs are running or finished, and cancelling one. */
import type { Handlers } from '../router'
import type { JobRunner } from './job-runner'

export function createJobsHandlers(jobs: JobRunner): Handlers['jobs'] {
  return {
    list: async () => ({ jobs: jobs.list() }),
    cancel: async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
  }
}

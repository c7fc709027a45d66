import { describe, expect, it } from 'vitest'
import type { ConnectivitySummary } from '../../../src-main/api/events'
import { ConnectivityMonitor, type ProbeResult } from '../../../src-main/offline/connectivity'
import { manualTimers } from '../../helpers/manual-timers'

describe('connectivity monitor', () => {
  it('goes offline on a failed call, probes with doubling backoff, and comes back', async () => {
    const timers = manualTimers()
    let reachable = false
    const probes: string[] = []
    const changes: string[] = []
    const monitor = new ConnectivityMonitor({
      probe: async (id, service): Promise<ProbeResult> => {
        probes.push(`${id}/${service}`)
        return reachable ? 'online' : 'offline'
      },
      onChange: (id, summary) => changes.push(`${id}:${summary.state}`),
      setTimer: timers.setTimer,
      initialBackoffMs: 1000,
      maxBackoffMs: 8000,
    })
    monitor.reportOnline('p', 's3')
    monitor.reportOffline('p', 's3')
    expect(monitor.state('p', 's3')).toBe('offline')
    expect(timers.delays()).toEqual([1000])
    const waiting = monitor.waitUntilOnline('p', 's3')
    await timers.fireNext()
    expect(timers.delays()).toEqual([2000])
    await timers.fireNext()
    await timers.fireNext()
    await timers.fireNext()
    expect(timers.delays()).toEqual([8000]) // capped
    reachable = true
    await timers.fireNext()
    await waiting
    expect(monitor.state('p', 's3')).toBe('online')
    expect(timers.delays()).toEqual([])
    expect(probes).toEqual(Array(5).fill('p/s3'))
    expect(changes).toEqual(['p:online', 'p:offline', 'p:online'])
  })

  it('keeps S3 online when only CloudFront is unreachable: the profile is partly offline, with detail per endpoint', async () => {
    const timers = manualTimers()
    const probed: string[] = []
    const summaries: ConnectivitySummary[] = []
    const monitor = new ConnectivityMonitor({
      probe: async (_id, service) => (probed.push(service), service === 's3' ? 'online' : 'offline'),
      endpointOf: (_id, service) => (service === 's3' ? 'http://minio.local:9000' : 'https://cloudfront.amazonaws.com'),
      onChange: (_id, summary) => summaries.push(summary),
      setTimer: timers.setTimer,
    })
    monitor.reportOnline('minio', 's3')
    monitor.reportOffline('minio', 'cloudfront')
    expect(monitor.state('minio', 's3')).toBe('online')
    expect(monitor.state('minio', 'cloudfront')).toBe('offline')
    expect(monitor.summary('minio')).toEqual({
      state: 'partly-offline',
      endpoints: [
        { service: 's3', url: 'http://minio.local:9000', state: 'online' },
        { service: 'cloudfront', url: 'https://cloudfront.amazonaws.com', state: 'offline' },
      ],
    })
    expect(summaries.map((s) => s.state)).toEqual(['online', 'partly-offline'])
    // S3 waits for nothing; only CloudFront is probed, and only it is waited on.
    await expect(monitor.waitUntilOnline('minio', 's3')).resolves.toBeUndefined()
    await timers.fireNext()
    expect(probed).toEqual(['cloudfront'])
    monitor.reportOffline('minio', 's3')
    expect(monitor.summary('minio').state).toBe('offline')
    expect(monitor.summary('never-seen')).toEqual({ state: 'unknown', endpoints: [] })
  })

  it('shares one probe between concurrent checks and marks signed-out sessions for the whole profile', async () => {
    let calls = 0
    const monitor = new ConnectivityMonitor({
      probe: async () => {
        calls++
        return 'online'
      },
      onChange: () => {},
      setTimer: manualTimers().setTimer,
    })
    const results = await Promise.all([monitor.checkNow('a', 's3'), monitor.checkNow('a', 's3'), monitor.checkNow('a', 's3')])
    expect(results).toEqual(['online', 'online', 'online'])
    expect(calls).toBe(1)
    monitor.reportSignedOut('a', 'sts')
    expect(monitor.summary('a').state).toBe('signed-out')
    // The endpoint that said "expired" answered: it is reachable.
    expect(monitor.state('a', 'sts')).toBe('online')
    monitor.reportOnline('a', 's3')
    expect(monitor.summary('a').state).toBe('online')
    expect(monitor.state('never-seen', 's3')).toBe('unknown')
  })

  it('lets a waiter give up through its AbortSignal', async () => {
    const monitor = new ConnectivityMonitor({ probe: async () => 'offline', onChange: () => {}, setTimer: manualTimers().setTimer })
    monitor.reportOffline('x', 's3')
    const controller = new AbortController()
    const waiting = monitor.waitUntilOnline('x', 's3', controller.signal)
    controller.abort(new Error('cancelled by user'))
    await expect(waiting).rejects.toThrow('cancelled by user')
  })
})

/**
 * Transfers through a proxy that resets, stalls and throttles, plus the server-side faults S3 is known for:
 * every file still arrives intact, progress never goes backwards or counts a retried byte twice, and nothing is
 * left behind on the server.
 */
import path from 'node:path'
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { KiB, MiB, resolveTransferConfig } from '../../../src-main/transfers/config'
import { systemClock, TransferEngine, type Connectivity, type RetryInfo, type TransferSnapshot } from '../../../src-main/transfers/index'
import { StallError } from '../../../src-main/transfers/retry'
import { FaultProxy } from '../../helpers/fault-proxy'
import {
  BUCKET,
  finished,
  requestSequence,
  sha256File,
  startTestS3,
  testEngine,
  writeRandomFile,
  type TestS3,
} from '../../helpers/transfer-s3'

let s3: TestS3
beforeAll(async () => {
  s3 = await startTestS3()
})
afterAll(async () => {
  await s3.close()
})

const fastRetries = { stallTimeoutMs: 1_000, baseRetryDelayMs: 20, maxRetryDelayMs: 400, maxAttempts: 12 }

/** Records every progress event per job and checks the promises progress makes. */
function progressRecorder(engine: TransferEngine) {
  const byJob = new Map<string, TransferSnapshot[]>()
  const retries: RetryInfo[] = []
  engine.subscribe({
    onProgress: (s) => byJob.set(s.jobId, [...(byJob.get(s.jobId) ?? []), s]),
    onDone: (s) => byJob.set(s.jobId, [...(byJob.get(s.jobId) ?? []), s]),
    onRetry: (_s, info) => retries.push(info),
  })
  return {
    retries,
    expectMonotonic(jobId: string, sizeBytes: number) {
      const events = byJob.get(jobId) ?? []
      for (let i = 1; i < events.length; i++)
        expect((events[i] as TransferSnapshot).bytesDone).toBeGreaterThanOrEqual((events[i - 1] as TransferSnapshot).bytesDone)
      expect(events.at(-1)?.bytesDone).toBe(sizeBytes)
      expect(Math.max(...events.map((e) => e.bytesDone))).toBe(sizeBytes)
    },
    events: (jobId: string) => byJob.get(jobId) ?? [],
  }
}

describe('through a faulty network', () => {
  it('uploads and downloads 20 files intact despite resets, stalls and SlowDown', async () => {
    const proxy = await FaultProxy.start({ targetPort: s3.port, rates: { reset: 0.1, stall: 0.05, slowDown: 0.1 }, seed: 7 })
    const client = s3.client({ endpoint: proxy.endpoint })
    const engine = new TransferEngine({
      clients: { s3: async () => client },
      journalDir: path.join(s3.dir, 'journal-faults'),
      config: { ...fastRetries, partSizeBytes: 5 * MiB, multipartThresholdBytes: 5 * MiB, concurrency: 8 },
    })
    // A failed assertion must not leave the engine's journal open (Node's DEP0137 on garbage collection).
    onTestFinished(() => engine.close())
    const recorder = progressRecorder(engine)
    const sizes = [23 * MiB + 5, 16 * MiB, 11 * MiB + 1, 40 * MiB, 6 * MiB, ...Array.from({ length: 15 }, (_, i) => i * 37 * KiB + i)]
    const files = await Promise.all(
      sizes.map(async (size, i) => {
        const filePath = path.join(s3.dir, 'src', `fault-${i}.bin`)
        return { size, filePath, key: `faults/${i}`, sha: await writeRandomFile(filePath, size) }
      }),
    )

    const uploads = files.map((file) => ({
      ...file,
      jobId: engine.upload({ profileId: 'p', bucket: BUCKET, key: file.key, filePath: file.filePath }),
    }))
    const uploaded = await Promise.all(uploads.map((u) => finished(engine, u.jobId)))
    for (const [i, snapshot] of uploaded.entries()) {
      expect(snapshot.state, snapshot.error?.message).toBe('done')
      expect(snapshot.checksum?.verified).toBe(true)
      recorder.expectMonotonic(snapshot.jobId, (files[i] as { size: number }).size)
    }
    const uploadRetries = recorder.retries.length
    const uploadFaults = { ...proxy.counts }

    const downloads = files.map((file) => ({
      ...file,
      destination: path.join(s3.dir, 'dst', `fault-${file.key.replace('/', '-')}.bin`),
    }))
    const downloaded = await Promise.all(
      downloads.map((d) =>
        finished(engine, engine.download({ profileId: 'p', bucket: BUCKET, key: d.key, destinationPath: d.destination })),
      ),
    )
    for (const [i, snapshot] of downloaded.entries()) {
      const file = downloads[i] as (typeof downloads)[number]
      expect(snapshot.state, snapshot.error?.message).toBe('done')
      expect(snapshot.checksum?.verified).toBe(true)
      expect(await sha256File(file.destination)).toBe(file.sha)
      recorder.expectMonotonic(snapshot.jobId, file.size)
    }
    const listed = await s3.client().send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'faults/' }))
    expect(listed.Uploads ?? []).toEqual([])

    const kinds = recorder.retries.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.kind]: (acc[r.kind] ?? 0) + 1 }), {})
    console.info(
      `[faults] requests through the proxy: ${proxy.counts.requests}; injected: uploads ${JSON.stringify(uploadFaults)}, total ${JSON.stringify(proxy.counts)}; ` +
        `engine retries: uploads ${uploadRetries}, total ${recorder.retries.length} ${JSON.stringify(kinds)}`,
    )
    const injected = proxy.counts.reset + proxy.counts.stall + proxy.counts.slowDown
    expect(proxy.counts.reset).toBeGreaterThan(0)
    expect(proxy.counts.stall).toBeGreaterThan(0)
    expect(proxy.counts.slowDown).toBeGreaterThan(0)
    // Each injected reset or SlowDown costs at most one retry, by us or (before any body is sent) by the
    // SDK's own. Stall retries are counted apart: on a loaded machine the stall watchdog may also fire on
    // a request that was only slow, which is the watchdog doing its job, not a retry storm.
    const stallRetries = recorder.retries.filter((r) => r.error instanceof StallError).length
    expect(recorder.retries.length - stallRetries).toBeLessThanOrEqual(proxy.counts.reset + proxy.counts.slowDown)
    expect(stallRetries).toBeGreaterThan(0)
    expect(recorder.retries.length).toBeGreaterThan(injected / 2)
    await engine.close()
    await proxy.close()
  }, 120_000)

  it('completes when CompleteMultipartUpload answers 200 with an error in the body', async () => {
    const engine = testEngine(s3, { partSizeBytes: 5 * MiB, multipartThresholdBytes: 5 * MiB })
    // A failed assertion must not leave the engine's journal open (Node's DEP0137 on garbage collection).
    onTestFinished(() => engine.close())
    const filePath = path.join(s3.dir, 'src', 'complete-200.bin')
    await writeRandomFile(filePath, 11 * MiB)
    s3.emulator.faults.completeMultipartUploadErrorIn200 = 1
    s3.emulator.clearRequestLog()
    const snapshot = await finished(engine, engine.upload({ profileId: 'p', bucket: BUCKET, key: 'faults/complete-200', filePath }))
    expect(snapshot.state).toBe('done')
    expect(snapshot.checksum?.verified).toBe(true)
    // Both completes reached the server and both answered 200; only the second did the work.
    expect(requestSequence(s3).filter((r) => r.startsWith('CompleteMultipartUpload'))).toEqual([
      'CompleteMultipartUpload:200',
      'CompleteMultipartUpload:200',
    ])
    expect(s3.emulator.faults.completeMultipartUploadErrorIn200).toBe(0)
    await engine.close()
  })

  it('falls back to ETag (MD5) checks on an endpoint that returns no checksums', async () => {
    const proxy = await FaultProxy.start({ targetPort: s3.port, stripChecksums: true })
    const client = s3.client({ endpoint: proxy.endpoint })
    const engine = new TransferEngine({
      clients: { s3: async () => client },
      journalDir: path.join(s3.dir, 'journal-md5'),
      config: { partSizeBytes: 5 * MiB, multipartThresholdBytes: 5 * MiB },
    })
    // A failed assertion must not leave the engine's journal open (Node's DEP0137 on garbage collection).
    onTestFinished(() => engine.close())
    for (const [name, size] of [
      ['small', 300 * KiB],
      ['multipart', 12 * MiB + 9],
    ] as const) {
      const filePath = path.join(s3.dir, 'src', `md5-${name}.bin`)
      const sha = await writeRandomFile(filePath, size)
      const up = await finished(engine, engine.upload({ profileId: 'p', bucket: BUCKET, key: `md5/${name}`, filePath }))
      expect(up.state).toBe('done')
      expect(up.checksum).toMatchObject({
        algorithm: 'MD5',
        verified: true,
        value: s3.emulator.store.getObjectRecord(BUCKET, `md5/${name}`)?.etag,
      })
      const destination = path.join(s3.dir, 'dst', `md5-${name}.bin`)
      const down = await finished(
        engine,
        engine.download({ profileId: 'p', bucket: BUCKET, key: `md5/${name}`, destinationPath: destination }),
      )
      expect(down.state).toBe('done')
      expect(down.checksum).toMatchObject({ algorithm: 'MD5', verified: true })
      expect(await sha256File(destination)).toBe(sha)
    }
    await engine.close()
    await proxy.close()
  })

  it('waits for the network instead of failing, then carries on', async () => {
    const proxy = await FaultProxy.start({ targetPort: s3.port })
    let online = true
    let reported = 0
    const waiting: Array<() => void> = []
    const connectivity: Connectivity = {
      isOnline: () => online,
      reportUnreachable: () => reported++,
      waitUntilOnline: (_profileId, signal) =>
        online
          ? Promise.resolve()
          : new Promise<void>((resolve, reject) => {
              waiting.push(resolve)
              signal.addEventListener('abort', () => reject(signal.reason), { once: true })
            }),
    }
    const client = s3.client({ endpoint: proxy.endpoint })
    const engine = new TransferEngine({
      clients: { s3: async () => client },
      journalDir: path.join(s3.dir, 'journal-offline'),
      config: {
        ...fastRetries,
        maxAttempts: 3,
        partSizeBytes: 5 * MiB,
        multipartThresholdBytes: 5 * MiB,
        maxBandwidthBytesPerSecond: 20 * MiB,
      },
      connectivity,
    })
    // A failed assertion must not leave the engine's journal open (Node's DEP0137 on garbage collection).
    onTestFinished(() => engine.close())
    const states = new Set<string>()
    engine.subscribe({ onProgress: (s) => states.add(s.state) })
    const filePath = path.join(s3.dir, 'src', 'offline.bin')
    const sha = await writeRandomFile(filePath, 30 * MiB)
    const jobId = engine.upload({ profileId: 'p', bucket: BUCKET, key: 'faults/offline', filePath })
    await new Promise<void>((resolve) => {
      const unsubscribe = engine.subscribe({ onProgress: (s) => s.partsDone >= 1 && (unsubscribe(), resolve()) })
    })
    online = false
    await proxy.setOffline(true)
    // Far longer than maxAttempts × maxRetryDelayMs: without the wait the job would have failed by now.
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    expect(engine.get(jobId)?.state).toBe('waiting-for-network')
    await proxy.setOffline(false)
    online = true
    for (const wake of waiting.splice(0)) wake()
    const snapshot = await finished(engine, jobId)
    expect(snapshot.state).toBe('done')
    expect(states).toContain('waiting-for-network')
    expect(reported).toBeGreaterThan(0)
    expect(proxy.counts.refused + proxy.counts.requests).toBeGreaterThan(0)
    const copy = path.join(s3.dir, 'dst', 'offline.bin')
    await finished(engine, engine.download({ profileId: 'p', bucket: BUCKET, key: 'faults/offline', destinationPath: copy }))
    expect(await sha256File(copy)).toBe(sha)
    await engine.close()
    await proxy.close()
  }, 60_000)

  it('refreshes expired credentials through the client provider and retries the part', async () => {
    const now = Date.now()
    s3.credentials.add({
      accessKeyId: 'ASIAEXPIRESSOON00001',
      secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
      sessionToken: 'soon',
      expiresAtMs: now + 1_200,
      arn: 'arn:aws:sts::123456789012:assumed-role/t/soon',
    })
    s3.credentials.add({
      accessKeyId: 'ASIAFRESHSESSION0001',
      secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
      sessionToken: 'fresh',
      arn: 'arn:aws:sts::123456789012:assumed-role/t/fresh',
    })
    let calls = 0
    // Like an SSO or assume-role provider whose first session ends mid-transfer and whose next one is valid.
    const provider = async () => {
      calls++
      return calls === 1
        ? { accessKeyId: 'ASIAEXPIRESSOON00001', secretAccessKey: SANDBOX_SECRET_ACCESS_KEY, sessionToken: 'soon' }
        : { accessKeyId: 'ASIAFRESHSESSION0001', secretAccessKey: SANDBOX_SECRET_ACCESS_KEY, sessionToken: 'fresh' }
    }
    const client = s3.client({ credentials: provider })
    const engine = new TransferEngine({
      clients: { s3: async () => client },
      journalDir: path.join(s3.dir, 'journal-creds'),
      config: { partSizeBytes: 5 * MiB, multipartThresholdBytes: 5 * MiB, maxBandwidthBytesPerSecond: 15 * MiB, concurrency: 4 },
    })
    // A failed assertion must not leave the engine's journal open (Node's DEP0137 on garbage collection).
    onTestFinished(() => engine.close())
    const retries: RetryInfo[] = []
    engine.subscribe({ onRetry: (_s, info) => retries.push(info) })
    const filePath = path.join(s3.dir, 'src', 'creds.bin')
    await writeRandomFile(filePath, 40 * MiB)
    s3.emulator.clearRequestLog()
    const snapshot = await finished(engine, engine.upload({ profileId: 'p', bucket: BUCKET, key: 'faults/creds', filePath }))
    expect(snapshot.state, snapshot.error?.message).toBe('done')
    expect(snapshot.checksum?.verified).toBe(true)
    expect(s3.emulator.requestLog.some((r) => r.errorCode === 'ExpiredToken')).toBe(true)
    expect(retries.some((r) => r.kind === 'credentials')).toBe(true)
    expect(calls).toBeGreaterThanOrEqual(2)
    await engine.close()
  }, 60_000)
})

describe('progress', () => {
  it('reports every moving transfer on each progress tick (200 ms: 5 a second), never backwards', async () => {
    // Counted in ticks of the engine's own clock, not in wall-clock seconds: on a loaded machine a
    // timer may fire late, and that is the machine's doing, not the engine's.
    const interval = resolveTransferConfig().progressIntervalMs
    expect(interval).toBeLessThanOrEqual(250)
    const ticks: number[] = []
    const clock = {
      ...systemClock,
      sleep: async (ms: number, signal?: AbortSignal) => {
        await systemClock.sleep(ms, signal)
        if (ms === interval) ticks.push(ticks.length)
      },
    }
    const engine = testEngine(
      s3,
      { partSizeBytes: 5 * MiB, multipartThresholdBytes: 5 * MiB, maxBandwidthBytesPerSecond: 12 * MiB },
      { clock },
    )
    // A failed assertion must not leave the engine's journal open (Node's DEP0137 on garbage collection).
    onTestFinished(() => engine.close())
    const recorder = progressRecorder(engine)
    const filePath = path.join(s3.dir, 'src', 'progress.bin')
    const size = 36 * MiB
    await writeRandomFile(filePath, size)
    const jobId = engine.upload({ profileId: 'p', bucket: BUCKET, key: 'progress/file', filePath })
    const onTick: number[] = []
    engine.subscribe({ onProgress: (s) => s.jobId === jobId && onTick.push(ticks.length) })
    expect((await finished(engine, jobId)).state).toBe('done')
    // 36 MiB at 12 MiB/s is about 3 s: many ticks, and a progress event of the moving job on each
    // of them (the first tick may come before the job runs, the last after it stopped).
    expect(ticks.length).toBeGreaterThanOrEqual(8)
    const reported = new Set(onTick)
    const missed = ticks.slice(1, -1).filter((tick) => !reported.has(tick + 1))
    expect(missed).toEqual([])
    recorder.expectMonotonic(jobId, size)
    const moving = recorder.events(jobId).filter((e) => e.state === 'running' && e.bytesDone > 0)
    expect(moving.some((e) => e.bytesPerSecond > 0 && e.etaSeconds !== undefined)).toBe(true)
    await engine.close()
  })
})

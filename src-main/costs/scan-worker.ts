/**
 * The scan worker (node:worker_threads): runs every prefix scan with its own S3 client — the SDK's
 * parsing of each 1,000-key page, the fold into the aggregator and the object table — and keeps the
 * scans it ran for resumes and what-if rules, so main's event loop only sees small messages (see
 * scan-protocol.ts). Credentials are asked of main when the SDK needs them.
 */
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { parentPort } from 'node:worker_threads'
import { S3Client } from '@aws-sdk/client-s3'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { ApiError } from '../api/contract'
import { HaneulError, toApiError } from '../core/errors'
import { explainS3Error } from '../s3/errors'
import { guardObjectRequests } from '../s3/request-guard'
import { explainEngineError } from './errors'
import { chooseInventoryReport, InventoryUnavailable, newScan, runScan, type PrefixScan } from './prefix-scan'
import type { FromScanWorker, ToScanWorker, WorkerClientSettings } from './scan-protocol'
import { evaluateLifecycleRules, evaluateWhatIf } from './what-if'

const port = parentPort
if (!port) throw new Error('scan-worker.ts runs as a worker thread')
const post = (message: FromScanWorker) => port.postMessage(message)

const scans = new Map<string, PrefixScan>()
const running = new Map<string, AbortController>()
const credentialCalls = new Map<number, { resolve(identity: AwsCredentialIdentity): void; reject(error: Error): void }>()
let nextCallId = 1

/** The same client main's profile has (sdk-clients.ts's s3 factory), on a pool of its own. */
function clientFor(scanId: string, settings: WorkerClientSettings): S3Client {
  const agent = { keepAlive: true, maxSockets: 4 }
  return guardObjectRequests(
    new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      followRegionRedirects: settings.followRegionRedirects,
      maxAttempts: settings.maxAttempts,
      // The SDK calls this again when the identity it has is about to expire.
      credentials: () =>
        new Promise<AwsCredentialIdentity>((resolve, reject) => {
          const callId = nextCallId++
          credentialCalls.set(callId, { resolve, reject })
          post({ type: 'credentials', callId, scanId })
        }),
      requestHandler: new NodeHttpHandler({
        httpAgent: new HttpAgent(agent),
        httpsAgent: new HttpsAgent(agent),
        connectionTimeout: settings.connectionTimeoutMs,
        socketTimeout: settings.socketTimeoutMs,
      }),
    }),
  )
}

async function run(message: Extract<ToScanWorker, { type: 'run' }>): Promise<void> {
  const { callId, scanId } = message
  if (message.create) scans.set(scanId, newScan(message.create))
  const scan = scans.get(scanId)
  if (!scan)
    return post({
      type: 'ran',
      callId,
      error: { code: 'not-found', message: 'That scan is no longer kept. Scan again.', retryable: false },
    })
  const controller = new AbortController()
  running.set(scanId, controller)
  const client = clientFor(scanId, message.client)
  const { signal } = controller
  const onPage = (objects: number, bytes: number) => post({ type: 'progress', scanId, objects, bytes })
  let error: ApiError | undefined
  try {
    if (message.inventory) await chooseInventoryReport(client, scan, { required: message.inventory === 'required', signal })
    await runScan(client, scan, { pageSize: message.pageSize, signal, onPage })
  } catch (thrown) {
    error = signal.aborted
      ? { code: 'cancelled', message: 'The scan was cancelled.', retryable: false }
      : thrown instanceof InventoryUnavailable
        ? { code: 'not-found', message: `No inventory report can be used: ${thrown.message}.`, retryable: false }
        : toApiError(explainS3Error(thrown))
  } finally {
    running.delete(scanId)
    client.destroy()
  }
  const { position } = scan
  post({
    type: 'ran',
    callId,
    state: {
      summary: scan.aggregator.summary(),
      from: scan.from,
      listed: { ...scan.listed },
      phase: position.phase,
      tableBytes: scan.table.byteSize(),
      ...(position.afterKey !== undefined ? { afterKey: position.afterKey } : {}),
    },
    ...(error ? { error } : {}),
  })
}

function whatIf(message: Extract<ToScanWorker, { type: 'whatIf' }>): void {
  const { callId } = message
  const scan = scans.get(message.scanId)
  if (!scan)
    return post({
      type: 'whatIf',
      callId,
      error: { code: 'not-found', message: 'That scan is no longer kept. Scan again.', retryable: false },
    })
  const options = {
    nowMs: message.nowMs,
    ...(message.transitionDefaultMinimumObjectSize
      ? { transitionDefaultMinimumObjectSize: message.transitionDefaultMinimumObjectSize }
      : {}),
  }
  try {
    const result = evaluateWhatIf(scan.table, scan.book, message.rule, options)
    const existingRules = evaluateLifecycleRules(scan.table, scan.book, message.rules, {
      ...options,
      uploads: scan.aggregator.summary().incompleteUploads.kept,
    })
    post({ type: 'whatIf', callId, answer: { result, existingRules } })
  } catch (thrown) {
    post({ type: 'whatIf', callId, error: toApiError(explainEngineError(thrown)) })
  }
}

port.on('message', (message: ToScanWorker) => {
  switch (message.type) {
    case 'run':
      void run(message)
      return
    case 'cancel':
      running.get(message.scanId)?.abort()
      return
    case 'drop':
      running.get(message.scanId)?.abort()
      scans.delete(message.scanId)
      return
    case 'whatIf':
      whatIf(message)
      return
    case 'credentials': {
      const call = credentialCalls.get(message.callId)
      credentialCalls.delete(message.callId)
      if (message.identity) call?.resolve(message.identity)
      else call?.reject(new HaneulError(message.error?.code ?? 'credentials-missing', message.error?.message ?? 'No credentials.'))
    }
  }
})

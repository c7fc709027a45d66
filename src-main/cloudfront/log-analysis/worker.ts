/**
 * A log worker (node:worker_threads): reads the files main streams to it (gunzip, parse, aggregate,
 * all off main's event loop) and merges per-file aggregates into a running total, so main only moves
 * bytes. It saves each file's aggregate itself (a path is no secret), so the JSON stays off main's heap.
 * See protocol.ts for the messages.
 */
import { readFile } from 'node:fs/promises'
import { parentPort, workerData } from 'node:worker_threads'
import { LogAggregator, readLogFile, type AggregatorOptions } from '../logs/index'
import { writeCacheFile } from './aggregate-store'
import type { FromWorker, SavedAggregate, ToWorker } from './protocol'

const port = parentPort
if (!port) throw new Error('worker.ts runs as a worker thread')
const post = (message: FromWorker) => port.postMessage(message)

interface Reading {
  queue: Uint8Array[]
  ended: boolean
  wake?: () => void
  controller: AbortController
}

/** The aggregator options of this analysis (table capacities), the same for every file and the total. */
const options = ((workerData as { options?: AggregatorOptions } | undefined)?.options ?? {}) as AggregatorOptions
const readings = new Map<number, Reading>()
let total = new LogAggregator(options)

async function* bytesOf(fileId: number, reading: Reading): AsyncGenerator<Uint8Array> {
  for (;;) {
    const next = reading.queue.shift()
    if (next) {
      post({ type: 'ack', fileId })
      yield next
      continue
    }
    if (reading.ended) return
    await new Promise<void>((resolve) => (reading.wake = resolve))
    reading.wake = undefined
  }
}

async function read(message: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const { fileId, name } = message
  const reading: Reading = { queue: [], ended: false, controller: new AbortController() }
  readings.set(fileId, reading)
  try {
    const aggregator = new LogAggregator(options)
    const file = await readLogFile(name, bytesOf(fileId, reading), (record) => aggregator.add(record), {
      signal: reading.controller.signal,
    })
    // A cut-off stream ends cleanly too: only a file that was not aborted counts.
    if (reading.controller.signal.aborted) throw reading.controller.signal.reason
    aggregator.addFile(file)
    await writeCacheFile(
      message.saveAs.folder,
      message.saveAs.name,
      `${message.head.slice(0, -1)},"state":${JSON.stringify(aggregator.toState())}}`,
    )
    total.merge(aggregator)
    post({ type: 'read', fileId, compressedBytes: file.compressedBytes })
  } catch (error) {
    if (reading.controller.signal.aborted) post({ type: 'aborted', fileId })
    else post({ type: 'failed', fileId, message: (error as Error).message })
  } finally {
    readings.delete(fileId)
  }
}

async function mergeSaved(fileId: number, path: string): Promise<void> {
  let saved: SavedAggregate
  try {
    saved = JSON.parse(await readFile(path, 'utf8')) as SavedAggregate
  } catch (error) {
    post({ type: 'unusable', fileId, problem: `the saved aggregate could not be read (${(error as Error).message})` })
    return
  }
  if (saved?.version !== 1 || saved.state?.version !== 1) {
    post({ type: 'unusable', fileId, problem: 'the saved aggregate is from another version of Haneul' })
    return
  }
  total.merge(LogAggregator.fromState(saved.state))
  post({ type: 'merged', fileId })
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start':
      void read(message)
      return
    case 'chunk':
    case 'end': {
      const reading = readings.get(message.fileId)
      if (!reading) return
      if (message.type === 'chunk') reading.queue.push(message.bytes)
      else reading.ended = true
      reading.wake?.()
      return
    }
    case 'abort': {
      const reading = readings.get(message.fileId)
      if (!reading) return
      reading.controller.abort()
      reading.ended = true
      reading.wake?.()
      return
    }
    case 'mergeSaved':
      void mergeSaved(message.fileId, message.path)
      return
    case 'total':
      post({ type: 'total', fileId: message.fileId, state: total.toState() })
      total = new LogAggregator(options)
      return
  }
})

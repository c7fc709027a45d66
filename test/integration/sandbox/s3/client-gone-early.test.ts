/**
 * A client that hangs up before the emulator has opened the blob for its body (a reset or cancelled
 * transfer) must still end the request: the blob file is closed and removed, and the request is
 * logged. Before the fix the body pump waited for a 'close' event that had already fired, so the open
 * blob file was dropped unclosed (Node's DEP0137 warning on garbage collection) and the request hung.
 */
import { once } from 'node:events'
import { readdir } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import { afterAll, expect, it } from 'vitest'
import { CredentialRegistry } from '../../../../src-main/sandbox/credentials'
import { createS3Emulator } from '../../../../src-main/sandbox/s3/index'
import { SANDBOX_CREDENTIALS, Sha256 } from '../../../helpers/sandbox-s3-harness'

const dataDir = await mkdtemp(join(tmpdir(), 'haneul-s3-gone-'))
afterAll(() => rm(dataDir, { recursive: true, force: true }))

async function blobFiles(): Promise<string[]> {
  const root = join(dataDir, 'blobs')
  const folders = await readdir(root).catch(() => [])
  return (await Promise.all(folders.map((folder) => readdir(join(root, folder)).catch(() => [])))).flat()
}

it('closes and removes the blob of a PUT whose client went away before the blob was opened', async () => {
  const emulator = await createS3Emulator({ dataDir, credentials: new CredentialRegistry(), defaultRegion: 'us-east-1' })
  emulator.store.createBucket('gone')
  const before = await blobFiles()
  // The server's view of the request: the blob is opened only once its connection has closed.
  let serverRequestClosed: Promise<unknown> = Promise.resolve()
  const server = http.createServer((req, res) => {
    serverRequestClosed = new Promise((resolve) => req.once('close', resolve))
    emulator.handle(req, res)
  })
  const newBlob = emulator.store.newBlob.bind(emulator.store)
  emulator.store.newBlob = async () => {
    await serverRequestClosed
    return newBlob()
  }
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  const signer = new SignatureV4({
    credentials: SANDBOX_CREDENTIALS,
    region: 'us-east-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
  })
  const signed = await signer.sign(
    new HttpRequest({
      method: 'PUT',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port,
      path: '/gone/early',
      headers: { host: `127.0.0.1:${port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': String(1024 * 1024) },
    }),
  )
  const request = http.request({ host: '127.0.0.1', port, method: 'PUT', path: '/gone/early', headers: signed.headers })
  request.on('error', () => {})
  request.write(Buffer.alloc(1024, 1), () => request.destroy())

  // The request ends (it is logged only when its handler has finished), as S3's IncompleteBody.
  while (!emulator.requestLog.some((r) => r.key === 'early')) await new Promise((resolve) => setImmediate(resolve))
  expect(emulator.requestLog.find((r) => r.key === 'early')).toMatchObject({ operation: 'PutObject', errorCode: 'IncompleteBody' })
  expect(emulator.store.getObjectRecord('gone', 'early')).toBeUndefined()
  expect(await blobFiles()).toEqual(before)
  server.close()
  await emulator.close()
})

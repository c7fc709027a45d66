/**
 * SigV4 as S3 enforces it: presigned URLs, wrong secrets, unknown and expired credentials, denied actions,
 * clock skew, payload hashes and signed aws-chunked uploads.
 */
import { createHash, createHmac } from 'node:crypto'
import http from 'node:http'
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_CREDENTIALS, Sha256, startS3, type RunningS3 } from '../../../helpers/sandbox-s3-harness'

const bucket = 'auth'
let s3: RunningS3

const signer = (credentials = SANDBOX_CREDENTIALS) =>
  new SignatureV4({ credentials, region: 'us-east-1', service: 's3', sha256: Sha256, uriEscapePath: false })

beforeAll(async () => {
  s3 = await startS3()
  await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }))
  await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/a b+c é.txt', Body: 'presigned body' }))
})
afterAll(async () => {
  await s3.close()
})

async function failure(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise
  } catch (error) {
    if (error instanceof S3ServiceException) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

/**
 * A presigned GET URL. S3 presigned URLs sign UNSIGNED-PAYLOAD; `hoist` puts that in the query as
 * X-Amz-Content-Sha256, otherwise it is implied, as different presigners do.
 */
async function presignGet(key: string, options: { expiresIn?: number; signingDate?: Date; hoist?: boolean } = {}): Promise<string> {
  const url = new URL(s3.endpoint)
  const path = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path,
    headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  })
  const keepOut = options.hoist === false ? new Set(['x-amz-content-sha256']) : undefined
  const signed = await signer().presign(request, {
    expiresIn: options.expiresIn ?? 300,
    signingDate: options.signingDate,
    unhoistableHeaders: keepOut,
    unsignableHeaders: keepOut,
  })
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&')
  return `${s3.endpoint}${path}?${query}`
}

describe('presigned URLs', () => {
  it('serves a presigned GET to plain fetch', async () => {
    const response = await fetch(await presignGet('dir/a b+c é.txt'))
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('presigned body')
    const implied = await fetch(await presignGet('dir/a b+c é.txt', { hoist: false }))
    expect(implied.status).toBe(200)
    expect(response.headers.get('x-amz-request-id')).toBeTruthy()
    expect(response.headers.get('server')).toBe('AmazonS3')
  })

  it('refuses an expired or tampered presigned URL', async () => {
    const expired = await fetch(await presignGet('dir/a b+c é.txt', { expiresIn: 60, signingDate: new Date(Date.now() - 120_000) }))
    expect(expired.status).toBe(403)
    const body = await expired.text()
    expect(body).toContain('<Code>AccessDenied</Code>')
    expect(body).toContain('<Message>Request has expired</Message>')

    const url = new URL(await presignGet('dir/a b+c é.txt'))
    url.searchParams.set('X-Amz-Signature', '0'.repeat(64))
    const tampered = await fetch(url)
    expect(tampered.status).toBe(403)
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>')

    const tooLong = new URL(await presignGet('dir/a b+c é.txt'))
    tooLong.searchParams.set('X-Amz-Expires', '604801')
    expect((await fetch(tooLong)).status).toBe(400)
  })

  it('refuses unsigned requests', async () => {
    const response = await fetch(`${s3.endpoint}/${bucket}/dir/x`)
    expect(response.status).toBe(403)
    expect(await response.text()).toContain('<Code>AccessDenied</Code>')
  })
})

describe('credentials', () => {
  it('rejects a wrong secret with SignatureDoesNotMatch', async () => {
    const client = s3.client({ credentials: { ...SANDBOX_CREDENTIALS, secretAccessKey: 'not-the-secret' } })
    const error = await failure(client.send(new ListBucketsCommand({})))
    expect(error.name).toBe('SignatureDoesNotMatch')
    expect(error.$metadata.httpStatusCode).toBe(403)
  })

  it('rejects unknown keys, expired sessions and wrong tokens', async () => {
    const unknown = await failure(
      s3.client({ credentials: { accessKeyId: 'AKIANOTREGISTERED000', secretAccessKey: 'x' } }).send(new ListBucketsCommand({})),
    )
    expect(unknown.name).toBe('InvalidAccessKeyId')
    expect(unknown.$metadata.httpStatusCode).toBe(403)

    s3.credentials.add({
      accessKeyId: 'ASIAEXPIRED000000001',
      secretAccessKey: 'session-secret',
      sessionToken: 'token-1',
      expiresAtMs: Date.now() - 1000,
      arn: 'arn:aws:sts::123456789012:assumed-role/r/s',
    })
    const expired = await failure(
      s3
        .client({ credentials: { accessKeyId: 'ASIAEXPIRED000000001', secretAccessKey: 'session-secret', sessionToken: 'token-1' } })
        .send(new ListBucketsCommand({})),
    )
    expect(expired.name).toBe('ExpiredToken')
    expect(expired.$metadata.httpStatusCode).toBe(400)

    s3.credentials.add({
      accessKeyId: 'ASIAVALID00000000001',
      secretAccessKey: 'session-secret',
      sessionToken: 'token-2',
      expiresAtMs: Date.now() + 3600_000,
      arn: 'arn:aws:sts::123456789012:assumed-role/r/s',
    })
    const wrongToken = await failure(
      s3
        .client({ credentials: { accessKeyId: 'ASIAVALID00000000001', secretAccessKey: 'session-secret', sessionToken: 'other' } })
        .send(new ListBucketsCommand({})),
    )
    expect(wrongToken.name).toBe('InvalidToken')
    const session = s3.client({
      credentials: { accessKeyId: 'ASIAVALID00000000001', secretAccessKey: 'session-secret', sessionToken: 'token-2' },
    })
    expect((await session.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toContain(bucket)
  })

  it('refuses denied actions with AccessDenied and allows the rest', async () => {
    s3.credentials.add({
      accessKeyId: 'AKIADENIED0000000001',
      secretAccessKey: 'denied-secret',
      arn: 'arn:aws:iam::123456789012:user/limited',
      deniedActions: ['s3:DeleteObject'],
    })
    const limited = s3.client({ credentials: { accessKeyId: 'AKIADENIED0000000001', secretAccessKey: 'denied-secret' } })
    await limited.send(new PutObjectCommand({ Bucket: bucket, Key: 'keep', Body: 'x' }))
    const denied = await failure(limited.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'keep' })))
    expect(denied.name).toBe('AccessDenied')
    expect(denied.$metadata.httpStatusCode).toBe(403)
    expect(s3.emulator.store.getObjectRecord(bucket, 'keep')).toBeDefined()

    s3.credentials.add({
      accessKeyId: 'AKIADENIEDALL0000001',
      secretAccessKey: 'denied-secret',
      arn: 'arn:aws:iam::123456789012:user/none',
      deniedActions: ['s3:*'],
    })
    const none = s3.client({ credentials: { accessKeyId: 'AKIADENIEDALL0000001', secretAccessKey: 'denied-secret' } })
    expect((await failure(none.send(new ListBucketsCommand({})))).name).toBe('AccessDenied')
    expect((await failure(none.send(new GetObjectCommand({ Bucket: bucket, Key: 'keep' })))).name).toBe('AccessDenied')
    expect(s3.emulator.requestLog.at(-1)).toMatchObject({ operation: 'GetObject', status: 403, errorCode: 'AccessDenied' })
  })

  it('refuses requests signed more than 15 minutes off', async () => {
    const skewed = s3.client({ systemClockOffset: 20 * 60_000, maxAttempts: 1 })
    const error = await failure(skewed.send(new ListBucketsCommand({})))
    expect(error.name).toBe('RequestTimeTooSkewed')
    expect(error.$metadata.httpStatusCode).toBe(403)
  })
})

/** Sends a request by hand, signed with SignatureV4 using whatever x-amz-content-sha256 the test chooses. */
async function sendSigned(key: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; text: string }> {
  const url = new URL(s3.endpoint)
  const path = `/${bucket}/${encodeURIComponent(key)}`
  const signed = await signer().sign(
    new HttpRequest({
      method: 'PUT',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path,
      headers: { host: url.host, ...headers },
    }),
  )
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: 'PUT', path, headers: signed.headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('payload signing', () => {
  it('verifies a hex x-amz-content-sha256 against the body', async () => {
    const body = Buffer.from('signed payload')
    const good = await sendSigned(
      'hashed',
      { 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'), 'content-length': String(body.length) },
      body,
    )
    expect(good.status).toBe(200)
    const bad = await sendSigned(
      'hashed-bad',
      { 'x-amz-content-sha256': createHash('sha256').update('other').digest('hex'), 'content-length': String(body.length) },
      body,
    )
    expect(bad.status).toBe(400)
    expect(bad.text).toContain('<Code>XAmzContentSHA256Mismatch</Code>')
    expect(s3.emulator.store.getObjectRecord(bucket, 'hashed-bad')).toBeUndefined()
  })

  it('decodes STREAMING-AWS4-HMAC-SHA256-PAYLOAD bodies and checks every chunk signature', async () => {
    const data = Buffer.alloc(150_000, 'signed chunks ')
    const date = new Date()
    const longDate = date
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '')
    const scope = `${longDate.slice(0, 8)}/us-east-1/s3/aws4_request`
    let signingKey: Buffer = Buffer.from(`AWS4${SANDBOX_CREDENTIALS.secretAccessKey}`)
    for (const part of [longDate.slice(0, 8), 'us-east-1', 's3', 'aws4_request'])
      signingKey = createHmac('sha256', signingKey).update(part).digest()

    const chunkSizes = [65_536, 65_536, data.length - 131_072, 0]
    const encode = async (tamper: boolean) => {
      const url = new URL(s3.endpoint)
      const headers = {
        host: url.host,
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(data.length),
      }
      const signed = await signer().sign(
        new HttpRequest({
          method: 'PUT',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: `/${bucket}/chunked`,
          headers,
        }),
        { signingDate: date },
      )
      let previous = /Signature=([0-9a-f]+)/.exec(String(signed.headers['authorization']))?.[1] as string
      const pieces: Buffer[] = []
      let offset = 0
      for (const [index, size] of chunkSizes.entries()) {
        const chunk = data.subarray(offset, offset + size)
        offset += size
        const stringToSign = [
          'AWS4-HMAC-SHA256-PAYLOAD',
          longDate,
          scope,
          previous,
          createHash('sha256').update('').digest('hex'),
          createHash('sha256').update(chunk).digest('hex'),
        ].join('\n')
        let signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex')
        previous = signature
        if (tamper && index === 1) signature = signature.replace(/^./, (c) => (c === '0' ? '1' : '0'))
        pieces.push(Buffer.from(`${size.toString(16)};chunk-signature=${signature}\r\n`), chunk, Buffer.from('\r\n'))
      }
      const body = Buffer.concat(pieces)
      return { headers: { ...signed.headers, 'content-length': String(body.length) }, body }
    }
    const send = ({ headers, body }: { headers: Record<string, string>; body: Buffer }) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(s3.endpoint)
        const req = http.request({ host: url.hostname, port: url.port, method: 'PUT', path: `/${bucket}/chunked`, headers }, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        })
        req.on('error', reject)
        req.end(body)
      })
    expect(await send(await encode(false))).toBe(200)
    expect((await s3.emulator.store.readObject(bucket, 'chunked')).equals(data)).toBe(true)
    expect(s3.emulator.store.getObjectRecord(bucket, 'chunked')?.contentEncoding).toBeUndefined()
    await s3.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'chunked' }))
    expect(await send(await encode(true))).toBe(403)
    expect(s3.emulator.store.getObjectRecord(bucket, 'chunked')).toBeUndefined()
  })
})

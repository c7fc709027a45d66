/**
 * The sandbox runs in its own child process (so heavy sandbox traffic never loads main's event loop)
 * and stops with the app. Started here exactly as main starts it, with Node's fork instead of
 * Electron's utilityProcess.
 */
import { mkdtempSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3'
import { describe, expect, it } from 'vitest'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { forkWithNode, SandboxHost } from '../../../src-main/sandbox/host'
import { sandboxAssets, sandboxEntry } from '../../helpers/app-harness'

const reachable = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url)
    const socket = connect({ host: hostname, port: Number(port) })
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })

describe('sandbox child process', () => {
  it('starts on loopback with random ports, serves the seeded buckets, and stops with the host', async () => {
    const states: string[] = []
    const host = new SandboxHost(forkWithNode(sandboxEntry, ['--import', 'tsx']), mkdtempSync(join(tmpdir(), 'haneul-sb-')), sandboxAssets)
    host.onChange((state) => states.push(state))
    const endpoints = await host.start()
    expect(endpoints.s3).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(endpoints.sts).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(endpoints.s3).not.toBe(endpoints.sts)
    const s3 = new S3Client({
      endpoint: endpoints.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
    const { Buckets } = await s3.send(new ListBucketsCommand({}))
    expect(Buckets?.map((b) => b.Name)).toEqual(['haneul-demo-logs', 'haneul-demo-site'])
    s3.destroy()
    await host.stop()
    expect(await reachable(endpoints.s3!)).toBe(false)
    expect(states).toEqual(['starting', 'running', 'stopped'])
    await expect(host.whenReady()).rejects.toThrow(/stopped/)
  })

  it('reports a sandbox that cannot start, with the reason', async () => {
    const host = new SandboxHost(
      forkWithNode(sandboxEntry, ['--import', 'tsx']),
      mkdtempSync(join(tmpdir(), 'haneul-sb-')),
      '/nonexistent/assets',
    )
    await expect(host.start()).rejects.toThrow(/sandbox failed to start.*ENOENT/)
    expect(host.state).toBe('failed')
  })
})

/** The cheap reachability probe: can we open a TCP connection to the endpoint? No request, no credentials. */
import { connect } from 'node:net'

export function tcpProbe(endpoint: string, timeoutMs = 3_000): Promise<'online' | 'offline'> {
  const url = new URL(endpoint)
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port })
    const finish = (result: 'online' | 'offline') => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(timeoutMs, () => finish('offline'))
    socket.once('connect', () => finish('online'))
    socket.once('error', () => finish('offline'))
  })
}

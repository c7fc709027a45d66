/** Runs the sandbox in an Electron utility process (a Node child without a window or a dock icon). */
import { utilityProcess } from 'electron'
import type { SpawnSandboxWorker } from '../sandbox/host'

export function utilityProcessWorker(entryPath: string): SpawnSandboxWorker {
  return (args) => {
    const child = utilityProcess.fork(entryPath, args, { serviceName: 'Haneul Sandbox', stdio: 'inherit' })
    return {
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code)),
      send: (message) => child.postMessage(message),
      kill: () => void child.kill(),
    }
  }
}

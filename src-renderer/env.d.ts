/// <reference types="vite/client" />
import type { HaneulBridge } from '../src-main/api/index'

declare global {
  interface Window {
    /** Exposed by preload (or by the test bridge); the renderer's only way to main. */
    haneul: HaneulBridge
  }
}

/// <reference types="vite/client" />
import type { HaneulBridge } from '../src-main/api/index'

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

declare global {
  interface Window {
    /** Exposed by preload (or by the test bridge); the renderer's only way to main. */
    haneul: HaneulBridge
  }
}

// A script file (no top-level import), so the wildcard declares an ambient module: plain tsc (the
// renderer tests' config) needs it for the router's lazy view imports; vue-tsc reads .vue files itself.
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

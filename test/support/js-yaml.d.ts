// js-yaml comes with electron-builder (app-builder-lib reads its config with it) and has no
// bundled types; the tests use only `load` to parse electron-builder.yml and the workflows.
declare module 'js-yaml' {
  export function load(text: string): unknown
}

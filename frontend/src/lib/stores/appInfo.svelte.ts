// What the program says about itself (data dir, version, transport, whether
// native dialogs exist), read once; until it answers, and if it cannot, the
// UI assumes what the transport implies.

import * as api from '../api'
import type { AppInfo } from '../api'

export class AppInfoStore {
  info = $state<AppInfo>(guess())
  /** The answer came (or failed): the controls that depend on it can show. */
  loaded = $state(false)

  private loading: Promise<void> | null = null

  /** Reads the facts once; later calls wait for the same answer. */
  load(): Promise<void> {
    this.loading ??= api
      .appInfo()
      .then((info) => {
        this.info = info
      })
      .catch((e) => {
        api.logInfo(`sessions-ui: app info: ${api.toError(e).message}`)
      })
      .finally(() => {
        this.loaded = true
      })
    return this.loading
  }

  /** Whether the window can open the system's file dialogs (the desktop app). */
  get dialogs(): boolean {
    return this.info.dialogs
  }
}

function guess(): AppInfo {
  const desktop = api.transport() === 'wails'
  return { data_dir: '', version: '', file_drop: false, transport: desktop ? 'desktop' : 'serve', dialogs: desktop }
}

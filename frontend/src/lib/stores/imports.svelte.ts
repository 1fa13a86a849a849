// Imports: the Import button's work (the system's dialog in the window, an
// upload of picked files in a browser), whether any import runs (the
// import:busy event, whoever started it), the watched folder, the notice
// shown after an import (its report, or why it could not run), and the hint
// shown while files are dragged over the window.

import * as api from '../api'
import type { Report, Unsubscribe } from '../api'
import { reportHasNews } from '../report'

export type Notice = { kind: 'report'; report: Report } | { kind: 'problem'; title: string; message: string }

export class ImportsStore {
  /** An import runs, from any source. */
  busy = $state(false)
  /** Calls of ours waiting for an answer (a dialog may be open, an upload on its way). */
  pending = $state(0)
  /** The watched folder, "" for none; null until known. */
  dir = $state<string | null>(null)
  notice = $state<Notice | null>(null)
  /** Files are being dragged over the window. */
  dragging = $state(false)

  private started = false
  private stopped = false
  private dragDepth = 0
  private readonly unsubscribers: Unsubscribe[] = []

  /**
   * @param imported called after every import with something to tell, so
   * the timeline can show the new sessions.
   */
  constructor(private readonly imported: (report: Report) => void = () => {}) {}

  /** Whether the buttons are disabled now. */
  get disabled(): boolean {
    return this.busy || this.pending > 0
  }

  /** Listens to imports; with dialogs (the window) reads the watched folder too. Only the first call does anything. */
  start(dialogs: boolean): Promise<void> {
    if (this.started || this.stopped) return Promise.resolve()
    this.started = true
    this.unsubscribers.push(
      api.onImportBusy((busy) => {
        this.busy = busy
        if (busy) this.dragEnd()
      }),
      api.onImportReport((report) => this.report(report)),
    )
    if (!dialogs) return Promise.resolve()
    return api
      .watchFolder()
      .catch(() => '')
      .then((dir) => {
        if (!this.stopped) this.dir = dir
      })
  }

  /** Stops listening and drops answers still on their way; safe to call twice. */
  destroy(): void {
    this.stopped = true
    for (const off of this.unsubscribers.splice(0)) off()
  }

  /** The window's Import button: the system's dialog, then the import. */
  chooseAndImport(): Promise<void> {
    return this.act('Import failed', () => api.chooseAndImport(), (r) => this.report(r))
  }

  /** The browser's Import button: the files picked are sent to the program. */
  upload(files: File[]): Promise<void> {
    if (files.length === 0) return Promise.resolve()
    return this.act('Import failed', () => api.uploadFiles(files), (r) => this.report(r))
  }

  chooseFolder(): Promise<void> {
    return this.act('Could not watch the folder', () => api.chooseWatchFolder(), (dir) => (this.dir = dir))
  }

  stopWatching(): Promise<void> {
    return this.act('Could not stop watching the folder', () => api.setWatchFolder(''), () => (this.dir = ''))
  }

  dismiss(): void {
    this.notice = null
  }

  // Only a hint: the desktop program receives dropped paths from the window
  // itself. dragover is left alone on purpose: cancelling it makes WebKitGTK
  // accept the drop and open the file as a page, replacing the UI.

  dragEnter(types: readonly string[] | undefined): void {
    // WebKitGTK lists files dragged from a file manager as text/uri-list.
    if (!types?.some((t) => t === 'Files' || t === 'text/uri-list')) return
    this.dragDepth++
    this.dragging = true
  }

  dragLeave(): void {
    if (this.dragDepth === 0) return
    this.dragDepth--
    if (this.dragDepth === 0) this.dragging = false
  }

  /** A drop, the mouse moving again, or an import starting: the drag is over. */
  dragEnd(): void {
    this.dragDepth = 0
    this.dragging = false
  }

  private report(r: Report): void {
    if (this.stopped || !reportHasNews(r)) return
    this.notice = { kind: 'report', report: r }
    api.logInfo(`sessions-ui: import report: ${r.files.length} files, ${r.totals.failed} failed`)
    this.imported(r)
  }

  /** Runs one action of ours with the buttons disabled; a failure becomes the notice. */
  private async act<T>(title: string, fn: () => Promise<T>, done: (value: T) => void): Promise<void> {
    if (this.disabled) return
    this.pending++
    try {
      const value = await fn()
      if (!this.stopped) done(value)
    } catch (e) {
      if (!this.stopped) this.notice = { kind: 'problem', title, message: api.toError(e).message }
    } finally {
      this.pending--
    }
  }
}

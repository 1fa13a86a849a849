// The import controls of the header: the Import button, the progress shown
// while any import runs, the watched folder, and the hint shown while files
// are dragged over the window (the desktop program imports them on drop).

import { toError } from './api'
import type { ImportReport, Unsubscribe } from './api'
import { uiIcon } from './icons'
import { renderWatchName, reportHasNews } from './report'
import { h } from './view'

/** What the controls need from the program; api.ts in the app, fakes in tests. */
export interface ImportDeps {
  canImport(): boolean
  chooseAndImport(): Promise<ImportReport>
  watchFolder(): Promise<string>
  chooseWatchFolder(): Promise<string>
  setWatchFolder(dir: string): Promise<void>
  onImportBusy(cb: (busy: boolean) => void): Unsubscribe
  onImportReport(cb: (report: ImportReport) => void): Unsubscribe
}

/** Where the controls send what happened. */
export interface ImportHandlers {
  /** An import ended with something to tell, whoever started it. */
  report(report: ImportReport): void
  /** An action could not run at all. */
  problem(title: string, err: Error): void
}

export const IMPORT_TEXT = 'Import'
export const BUSY_TEXT = 'Importing…'
export const CHOOSE_FOLDER_TEXT = 'Choose folder…'
export const STOP_WATCHING_TEXT = 'Stop watching'

function button(className: string, text: string, onClick: () => void): HTMLButtonElement {
  const b = h('button', className, text)
  b.type = 'button'
  b.addEventListener('click', onClick)
  return b
}

// WebKitGTK lists files dragged from a file manager as text/uri-list, not
// as Files.
function carriesFiles(e: Event): boolean {
  const types = (e as DragEvent).dataTransfer?.types
  return types ? Array.from(types).some((t) => t === 'Files' || t === 'text/uri-list') : false
}

export class ImportControls {
  /** The Import button, for the header's top row. */
  readonly actions = h('div', 'import-actions')
  /** "Importing…", shown while any import runs. */
  readonly progress = h('span', 'busy')
  /** The watched-folder line. */
  readonly watchBar = h('div', 'watch-bar')
  /** The overlay shown while files are dragged over the window. */
  readonly dropHint = h('div', 'drop-hint')

  private readonly importButton = button('button button--primary', '', () => void this.importChosen())
  private readonly watchName = h('span', 'watch-current')
  private readonly chooseButton = button('link-button', CHOOSE_FOLDER_TEXT, () => void this.chooseFolder())
  private readonly stopButton = button('link-button', STOP_WATCHING_TEXT, () => void this.stopWatching())

  /** An import runs, from any source (the import:busy event). */
  private busy = false
  /** Calls of ours still waiting for an answer (a dialog may be open). */
  private pending = 0
  /** The watched folder; null until known. */
  private dir: string | null = null
  private dragDepth = 0
  private started = false
  private stopped = false
  private readonly unsubscribers: Unsubscribe[] = []
  private readonly windowListeners: [string, (e: Event) => void][] = [
    ['dragenter', (e) => this.dragEnter(e)],
    ['dragleave', () => this.dragLeave()],
    ['drop', (e) => this.dragDrop(e)],
    // No mouse moves during a drag: one means the drag is over, however it ended.
    ['mousemove', () => this.dragEnd()],
  ]

  constructor(
    private readonly deps: ImportDeps,
    private readonly handlers: ImportHandlers,
  ) {
    this.progress.setAttribute('role', 'status')
    const spinner = h('span', 'spinner')
    spinner.setAttribute('aria-hidden', 'true')
    this.progress.append(spinner, h('span', '', BUSY_TEXT))

    this.importButton.append(uiIcon('import'), h('span', '', IMPORT_TEXT))
    this.importButton.title = 'Import exported chats (files or zips)'
    this.actions.append(this.importButton)

    this.watchBar.setAttribute('aria-label', 'Watched folder')
    this.watchBar.setAttribute('role', 'group')
    this.chooseButton.title = 'Pick a folder; chat exports saved there are imported automatically'
    this.watchBar.append(this.watchName, this.chooseButton, this.stopButton)

    this.dropHint.setAttribute('aria-hidden', 'true')
    const card = h('div', 'drop-hint-card')
    card.append(uiIcon('import'), h('p', 'drop-hint-title', 'Drop to import'), h('p', 'muted', 'Chat exports, zips or folders of them'))
    this.dropHint.append(card)
    this.dropHint.hidden = true

    this.render()
  }

  /** Listens to import events and reads the watched folder; only the first call does anything. */
  start(): Promise<void> {
    if (this.started || this.stopped) return Promise.resolve()
    this.started = true
    this.unsubscribers.push(
      this.deps.onImportBusy((busy) => {
        this.busy = busy
        if (busy) this.dragEnd()
        this.render()
      }),
      this.deps.onImportReport((report) => {
        if (reportHasNews(report)) this.handlers.report(report)
      }),
    )
    for (const [name, fn] of this.windowListeners) window.addEventListener(name, fn)
    return this.deps
      .watchFolder()
      .catch(() => '')
      .then((dir) => {
        if (!this.stopped) this.setDir(dir)
      })
  }

  /** Stops listening; safe to call twice. */
  destroy(): void {
    this.stopped = true
    for (const off of this.unsubscribers.splice(0)) off()
    for (const [name, fn] of this.windowListeners) window.removeEventListener(name, fn)
    this.dragEnd()
  }

  /** Whether the buttons are disabled now. */
  get disabled(): boolean {
    return this.busy || this.pending > 0
  }

  private render(): void {
    const disabled = this.disabled
    this.progress.hidden = !this.busy
    this.importButton.disabled = disabled
    this.chooseButton.disabled = disabled || this.dir === null
    this.stopButton.disabled = disabled
    this.stopButton.hidden = !this.dir
  }

  private setDir(dir: string): void {
    this.dir = dir
    this.watchName.replaceChildren(renderWatchName(dir))
    this.render()
  }

  /** Runs one action of ours with the buttons disabled; a failure goes to the problem handler. */
  private async act<T>(title: string, fn: () => Promise<T>, done: (value: T) => void): Promise<void> {
    if (this.disabled) return
    this.pending++
    this.render()
    try {
      const value = await fn()
      if (!this.stopped) done(value)
    } catch (e) {
      if (!this.stopped) this.handlers.problem(title, toError(e))
    } finally {
      this.pending--
      this.render()
    }
  }

  private importChosen(): Promise<void> {
    return this.act('Import failed', () => this.deps.chooseAndImport(), (report) => {
      if (reportHasNews(report)) this.handlers.report(report)
    })
  }

  private chooseFolder(): Promise<void> {
    return this.act('Could not watch the folder', () => this.deps.chooseWatchFolder(), (dir) => this.setDir(dir))
  }

  private stopWatching(): Promise<void> {
    return this.act('Could not stop watching the folder', () => this.deps.setWatchFolder(''), () => this.setDir(''))
  }

  // Only a hint: the desktop program receives the dropped paths from the
  // window itself. dragover is left alone on purpose: cancelling it makes
  // WebKitGTK accept the drop and open the file as a page, replacing the UI.

  private dragEnter(e: Event): void {
    if (!carriesFiles(e)) return
    this.dragDepth++
    this.dropHint.hidden = false
  }

  private dragLeave(): void {
    if (this.dragDepth === 0) return
    this.dragDepth--
    if (this.dragDepth === 0) this.dropHint.hidden = true
  }

  private dragDrop(e: Event): void {
    // Should a drop reach the page after all, it must not open the file.
    if (carriesFiles(e)) e.preventDefault()
    this.dragEnd()
  }

  private dragEnd(): void {
    if (this.dragDepth === 0 && this.dropHint.hidden) return
    this.dragDepth = 0
    this.dropHint.hidden = true
  }
}

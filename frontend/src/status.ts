// The quiet status line of the header: the desktop program's background
// work (the search index catching up, summaries being made, with a Cancel
// for those), and why summaries are built-in when they are. Hidden when
// there is nothing to tell.

import { toError } from './api'
import type { IndexProgress, SummaryProgress, SummaryStatus, Unsubscribe } from './api'
import { formatDuration, formatRate, summarizerName } from './format'
import { h } from './view'

/** What the status line needs from the program; api.ts in the app, fakes in tests. */
export interface BackgroundDeps {
  onIndexProgress(cb: (p: IndexProgress) => void): Unsubscribe
  onSummaryProgress(cb: (p: SummaryProgress) => void): Unsubscribe
  summaryStatus(): Promise<SummaryStatus>
  cancelSummaries(): Promise<void>
}

/** Where the status line sends what happened. */
export interface BackgroundHandlers {
  /** A summary run ended after handling sessions: their new summaries can be shown. */
  summariesDone(p: SummaryProgress): void
  log?(message: string): void
}

export const INDEXING_TEXT = 'Indexing for search…'
export const CANCEL_TEXT = 'Cancel'
export const CANCELLING_TEXT = 'Cancelling…'

/** "Indexing for search… 1,200 / 5,000". */
export function indexText(p: IndexProgress): string {
  return p.total > 0 ? `${INDEXING_TEXT} ${p.indexed.toLocaleString()} / ${p.total.toLocaleString()}` : INDEXING_TEXT
}

/** "Summarizing 120 / 500 · 12/s · 30 s left (built-in)"; pace and time left once known. */
export function summaryText(p: SummaryProgress): string {
  const parts = [`Summarizing ${p.done.toLocaleString()} / ${p.total.toLocaleString()}`]
  const rate = formatRate(p.rate)
  if (rate) parts.push(rate)
  if (rate && p.left_ns >= 1e9) parts.push(`${formatDuration(p.left_ns / 1e9)} left`)
  if (p.failed > 0) parts.push(`${p.failed.toLocaleString()} failed`)
  const text = parts.join(' · ')
  return p.source ? `${text} (${summarizerName(p.source)})` : text
}

export class BackgroundStatus {
  /** The status line; hidden while idle. */
  readonly el = h('div', 'bg-status')

  private readonly indexLine = h('span', 'bg-item bg-index')
  private readonly summaryLine = h('span', 'bg-item bg-summary')
  private readonly summaryLabel = h('span', 'bg-text')
  private readonly cancelButton = h('button', 'link-button', CANCEL_TEXT)
  private readonly noteLine = h('span', 'bg-note')
  private readonly noteText = h('span', 'bg-item bg-note-text')
  private readonly noteDismiss = h('button', 'icon-button bg-dismiss', '×')

  /** The index catching up; null when it is not. */
  private index: IndexProgress | null = null
  /** The running summary run; null when none runs. */
  private summary: SummaryProgress | null = null
  /** A summary event came: newer than what SummaryStatus said. */
  private heard = false
  private note = ''
  /** The note the user dismissed; a different one shows again. */
  private dismissed = ''
  private cancelling = false
  private started = false
  private stopped = false
  private readonly unsubscribers: Unsubscribe[] = []

  constructor(
    private readonly deps: BackgroundDeps,
    private readonly handlers: BackgroundHandlers,
  ) {
    this.el.setAttribute('aria-label', 'Background work')
    this.cancelButton.type = 'button'
    this.cancelButton.title = 'Stop summarizing; the rest is summarized the next time the app starts'
    this.cancelButton.addEventListener('click', () => void this.cancel())
    this.summaryLine.append(this.summaryLabel, this.cancelButton)
    this.noteDismiss.type = 'button'
    this.noteDismiss.title = 'Dismiss'
    this.noteDismiss.setAttribute('aria-label', 'Dismiss the note about summaries')
    this.noteDismiss.addEventListener('click', () => {
      this.dismissed = this.note
      this.render()
    })
    this.noteLine.append(this.noteText, this.noteDismiss)
    this.el.append(this.indexLine, this.summaryLine, this.noteLine)
    this.render()
  }

  /** Whether there is nothing to show. */
  get idle(): boolean {
    return this.index === null && this.summary === null && !this.showsNote()
  }

  /** Whether the note has something to say that was not dismissed. */
  private showsNote(): boolean {
    return this.note !== '' && this.note !== this.dismissed
  }

  /** Listens to the background work and reads how summarizing goes; only the first call does anything. */
  start(): Promise<void> {
    if (this.started || this.stopped) return Promise.resolve()
    this.started = true
    this.unsubscribers.push(
      this.deps.onIndexProgress((p) => this.indexProgress(p)),
      this.deps.onSummaryProgress((p) => this.summaryProgress(p)),
    )
    return this.readStatus()
  }

  /** Stops listening; safe to call twice. */
  destroy(): void {
    this.stopped = true
    for (const off of this.unsubscribers.splice(0)) off()
  }

  private async readStatus(): Promise<void> {
    let st: SummaryStatus
    try {
      st = await this.deps.summaryStatus()
    } catch {
      return // served to a browser: no summaries to follow
    }
    if (this.stopped) return
    this.note = st.note.trim()
    if (!this.heard) this.summary = st.running ? st : null
    this.render()
  }

  private indexProgress(p: IndexProgress): void {
    if (this.stopped) return
    this.index = p.done ? null : p
    this.render()
  }

  private summaryProgress(p: SummaryProgress): void {
    if (this.stopped) return
    this.heard = true
    if (p.running) {
      this.summary = p
      this.render()
      return
    }
    this.summary = null
    this.cancelling = false
    this.render()
    if (p.done > 0) this.handlers.summariesDone(p)
    // The next run may use another summarizer (Ollama came up, or went away).
    void this.readStatus()
  }

  private async cancel(): Promise<void> {
    if (this.cancelling || this.summary === null) return
    this.cancelling = true
    this.render()
    try {
      await this.deps.cancelSummaries()
    } catch (e) {
      if (this.stopped) return
      this.cancelling = false
      this.handlers.log?.(`sessions-ui: cancel summaries: ${toError(e).message}`)
      this.render()
    }
  }

  private render(): void {
    this.indexLine.hidden = this.index === null
    if (this.index) this.indexLine.textContent = indexText(this.index)

    this.summaryLine.hidden = this.summary === null
    if (this.summary) this.summaryLabel.textContent = summaryText(this.summary)
    // While built-in summaries are made, the note says why.
    this.summaryLabel.title = this.note
    this.cancelButton.disabled = this.cancelling
    this.cancelButton.textContent = this.cancelling ? CANCELLING_TEXT : CANCEL_TEXT

    this.noteLine.hidden = !this.showsNote() || this.summary !== null
    this.noteText.textContent = this.note
    this.noteText.title = this.note

    this.el.hidden = this.idle
  }
}

// Background work as the progress line tells it: the search index catching
// up with the database, summaries being made (with a Cancel), and why
// summaries are built-in when they are. Served to a browser with no
// summaries to follow, it stays quiet.

import * as api from '../api'
import type { IndexProgress, SummaryProgress, SummaryStatus, Unsubscribe } from '../api'
import { formatDuration, formatRate, summarizerName } from '../format'

export const INDEXING_TEXT = 'Indexing for search…'

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

export class ProgressStore {
  /** The index catching up; null when it is not. */
  index = $state<IndexProgress | null>(null)
  /** The running summary run; null when none runs. */
  summary = $state<SummaryProgress | null>(null)
  /** Why summaries are built-in; "" when they are not. */
  note = $state('')
  /** The note the user dismissed; a different one shows again. */
  dismissed = $state('')
  cancelling = $state(false)

  /** A summary event came: newer than what SummaryStatus said. */
  private heard = false
  private started = false
  private stopped = false
  private readonly unsubscribers: Unsubscribe[] = []

  /**
   * @param summariesDone called when a run that handled sessions ends, so
   * their new summaries can be shown.
   */
  constructor(private readonly summariesDone: (p: SummaryProgress) => void = () => {}) {}

  /** Whether the note is shown: something to say, not dismissed, no run in the way. */
  get showsNote(): boolean {
    return this.note !== '' && this.note !== this.dismissed && this.summary === null
  }

  /** Whether there is nothing to show. */
  get idle(): boolean {
    return this.index === null && this.summary === null && !this.showsNote
  }

  /** Listens to background work and reads how summarizing goes; only the first call does anything. */
  start(): Promise<void> {
    if (this.started || this.stopped) return Promise.resolve()
    this.started = true
    this.unsubscribers.push(
      api.onIndexProgress((p) => {
        if (!this.stopped) this.index = p.done ? null : p
      }),
      api.onSummaryProgress((p) => this.summaryProgress(p)),
    )
    return this.readStatus()
  }

  /** Stops listening; safe to call twice. */
  destroy(): void {
    this.stopped = true
    for (const off of this.unsubscribers.splice(0)) off()
  }

  dismissNote(): void {
    this.dismissed = this.note
  }

  async cancel(): Promise<void> {
    if (this.cancelling || this.summary === null) return
    this.cancelling = true
    try {
      await api.cancelSummaries()
    } catch (e) {
      if (this.stopped) return
      this.cancelling = false
      api.logInfo(`sessions-ui: cancel summaries: ${api.toError(e).message}`)
    }
  }

  private async readStatus(): Promise<void> {
    let st: SummaryStatus
    try {
      st = await api.summaryStatus()
    } catch {
      return // nothing to follow
    }
    if (this.stopped) return
    this.note = st.note.trim()
    if (!this.heard) this.summary = st.running ? st : null
  }

  private summaryProgress(p: SummaryProgress): void {
    if (this.stopped) return
    this.heard = true
    if (p.running) {
      this.summary = p
      return
    }
    this.summary = null
    this.cancelling = false
    if (p.done > 0) this.summariesDone(p)
    // The next run may use another summarizer (Ollama came up, or went away).
    void this.readStatus()
  }
}

// DOM builders for the timeline. Chat content is untrusted: every piece of
// data goes in through textContent or setAttribute, never through markup.

import type { AppInfo, SessionView, StatusFilter } from './api'
import {
  channelName,
  colorSlot,
  formatDuration,
  formatStart,
  handoffOutcome,
  initials,
  messageCount,
  sentimentName,
  statusName,
} from './format'
import { channelIcon } from './icons'

export const IMPORT_EXAMPLE = 'sessions import "WhatsApp Chat with Alice.zip"'
export const END_TEXT = "You've reached the end of the sessions."
export const LOAD_MORE_TEXT = 'Load More Sessions'
export const BUILTIN_TEXT = 'built-in'
export const BUILTIN_TITLE = 'Made by the built-in summarizer; Ollama makes better ones'
export const SUMMARY_PENDING_TEXT = 'Summary pending…'

/** createElement with an optional class and text. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  if (className) el.className = className
  if (text !== undefined) el.textContent = text
  return el
}

/** One timeline row. */
export function renderRow(s: SessionView): HTMLLIElement {
  const li = h('li', 'row')
  li.dataset.id = String(s.id)

  const name = s.contact?.name?.trim() || 'Unknown contact'
  const avatar = h('div', `avatar avatar--${colorSlot(name)}`, initials(name))
  avatar.setAttribute('aria-hidden', 'true')

  const main = h('div', 'row-main')

  const top = h('div', 'row-top')
  top.append(h('span', 'row-name', name))
  const time = h('time', 'row-time', formatStart(s.started_at))
  time.dateTime = s.started_at
  top.append(time)

  const meta = h('div', 'row-meta')
  const channel = h('span', 'channel')
  channel.append(channelIcon(s.channel), h('span', '', channelName(s.channel)))
  meta.append(channel)
  if (s.ended_at && s.duration_s != null) {
    meta.append(h('span', 'row-duration', formatDuration(s.duration_s)))
  }
  meta.append(h('span', 'row-count', messageCount(s.message_count)))
  const badge = h('span', `badge badge--${s.status === 'active' ? 'active' : 'completed'}`, statusName(s.status))
  meta.append(badge)
  const sentiment = sentimentName(s.sentiment)
  if (sentiment) {
    const mood = h('span', `sentiment sentiment--${s.sentiment}`, sentiment)
    mood.title = 'Sentiment of the conversation'
    meta.append(mood)
  }
  const handoff = renderHandoff(s)
  if (handoff) meta.append(handoff)

  main.append(top, meta, renderSummary(s))

  if (s.labels && s.labels.length > 0) {
    const labels = h('ul', 'row-labels')
    labels.setAttribute('aria-label', 'Labels')
    for (const label of s.labels) labels.append(h('li', 'label', label))
    main.append(labels)
  }

  li.append(avatar, main)
  return li
}

/** "AI: Shop Bot → Maria after 8 min" or "AI: Shop Bot bot only"; null without a bot. */
function renderHandoff(s: SessionView): HTMLElement | null {
  const bot = s.handoff?.bot?.trim()
  if (!bot) return null
  const el = h('span', 'row-handoff')
  el.append(h('span', 'row-bot', `AI: ${bot}`))
  const outcome = handoffOutcome({
    agent: s.handoff.agent ?? null,
    wait_s: s.handoff.wait_s ?? null,
    bot_only: s.handoff.bot_only === true,
  })
  if (outcome === 'bot only') {
    el.append(' ', h('span', 'tag', outcome))
  } else if (outcome) {
    const after = h('span', 'row-agent', outcome)
    if (s.handoff.at) after.title = `Taken over ${formatStart(s.handoff.at)}`
    el.append(' ', after)
  }
  return el
}

/** The summary with a tag on built-in ones; until there is one, that it is pending or why it failed. */
function renderSummary(s: SessionView): HTMLElement {
  if (!s.summary) {
    if (s.summary_error) {
      const p = h('p', 'row-summary-note row-summary-note--error', `Summary failed: ${s.summary_error}`)
      p.title = s.summary_error
      return p
    }
    return h('p', 'row-summary-note', SUMMARY_PENDING_TEXT)
  }
  const line = h('div', 'row-summary-line')
  line.append(h('p', 'row-summary', s.summary))
  if (s.summary_source === 'builtin') {
    const tag = h('span', 'tag tag--builtin', BUILTIN_TEXT)
    tag.title = BUILTIN_TITLE
    line.append(tag)
  }
  return line
}

/**
 * The empty state. With no filter it explains how to import: in the desktop
 * app (canImport) with the Import button, a drop or the watched folder too;
 * info may be null when the app could not say where its data lives.
 */
export function renderEmpty(status: StatusFilter, info: AppInfo | null, canImport = false): HTMLElement {
  const box = h('section', 'empty')
  if (status !== 'all') {
    box.append(
      h('h2', '', `No ${statusName(status).toLowerCase()} sessions`),
      h('p', 'muted', 'Switch to All to see every session.'),
    )
    return box
  }
  const intro = 'Import a chat exported from WhatsApp, Instagram, Facebook Messenger or Web Chat, and its sessions appear here.'
  box.append(h('h2', '', 'No sessions yet'))
  if (canImport) {
    box.append(h('p', 'muted', intro))
    const ways = h('ul', 'empty-ways')
    const button = h('li')
    button.append('Click ', h('strong', '', 'Import'), ' and pick the exported files or zips.')
    const watch = h('li')
    watch.append('Choose a ', h('strong', '', 'watched folder'), ': exports saved there are imported automatically.')
    ways.append(button)
    // Drops reach the program everywhere but on Linux, where Wails 2.9
    // cannot receive them (wailsapp/wails#3563): don't promise them there.
    if (info?.file_drop) ways.append(h('li', '', 'Drop them anywhere on this window.'))
    ways.append(watch)
    box.append(ways, h('p', 'muted', 'Or, in a terminal, run:'))
  } else {
    box.append(h('p', 'muted', `${intro} In a terminal, run:`))
  }
  box.append(h('pre', 'command', IMPORT_EXAMPLE))
  if (info?.data_dir) {
    const p = h('p', 'muted', 'Your data is kept in ')
    p.append(h('code', 'path', info.data_dir), document.createTextNode('.'))
    box.append(p)
  }
  return box
}

/** The error state of a failed load, with a retry button. */
export function renderError(err: Error, onRetry: () => void): HTMLElement {
  const box = h('section', 'error')
  box.setAttribute('role', 'alert')
  box.append(h('h2', '', 'Could not load sessions'), h('p', 'error-text', err.message))
  const retry = h('button', 'button', 'Try again')
  retry.type = 'button'
  retry.addEventListener('click', onRetry)
  box.append(retry)
  return box
}

/** Below the rows: the Load More button while there is more, else the end text. */
export function renderFooter(hasMore: boolean, loading: boolean, onMore: () => void): HTMLElement {
  const footer = h('div', 'list-footer')
  if (!hasMore) {
    footer.append(h('p', 'end', END_TEXT))
    return footer
  }
  const more = h('button', 'button', loading ? 'Loading…' : LOAD_MORE_TEXT)
  more.type = 'button'
  more.disabled = loading
  more.addEventListener('click', onMore)
  footer.append(more)
  return footer
}

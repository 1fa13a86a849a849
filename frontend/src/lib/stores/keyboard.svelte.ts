// Keyboard shortcuts for the whole window: single keys ("/", "j", "Escape")
// and two-key sequences ("g c", the second key within a second of the
// first), as Gmail and GitHub have them. Keys typed into a box, a list or
// an editor are the box's: only shortcuts marked inInputs (Escape) still
// run there, and only when the box did not use the key itself.

/** One shortcut: its keys ("j", "g c", "Escape"), what it does, and when it applies. */
export interface Shortcut {
  keys: string
  run: (e: KeyboardEvent) => void
  /** Whether it applies now; always when absent. */
  when?: () => boolean
  /** Runs with the focus in a text box too (unless the box took the key). */
  inInputs?: boolean
}

/** Whether the key went to something that types or picks (a box, a select, an editor). */
export function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  const tag = target.tagName
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag !== 'INPUT') return false
  const type = (target as HTMLInputElement).type
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(type)
}

export class KeyboardStore {
  /** The first key of a sequence, while the second is awaited. */
  prefix = $state<string | null>(null)
  private timer: ReturnType<typeof setTimeout> | null = null
  private readonly onKey = (e: KeyboardEvent) => this.handle(e)

  constructor(
    private readonly shortcuts: () => Shortcut[],
    private readonly target: Window | HTMLElement = window,
    private readonly sequenceMs = 1000,
  ) {}

  /** Listens from now on; returns the stop. */
  start(): () => void {
    this.target.addEventListener('keydown', this.onKey as EventListener)
    return () => {
      this.target.removeEventListener('keydown', this.onKey as EventListener)
      this.clear()
    }
  }

  /** Handles one key press (exported for the spec: the listener calls it). */
  handle(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.isComposing || e.ctrlKey || e.metaKey || e.altKey) return
    const inBox = typing(e.target)
    const all = this.shortcuts().filter((s) => (s.when ? s.when() : true) && (!inBox || s.inInputs))
    if (this.prefix !== null) {
      const seq = `${this.prefix} ${e.key}`
      this.clear()
      const hit = all.find((s) => s.keys === seq)
      if (hit) {
        e.preventDefault()
        hit.run(e)
        return
      }
    }
    if (!inBox && all.some((s) => s.keys.startsWith(`${e.key} `))) {
      e.preventDefault()
      this.prefix = e.key
      this.timer = setTimeout(() => this.clear(), this.sequenceMs)
      return
    }
    const hit = all.find((s) => s.keys === e.key)
    if (hit) {
      e.preventDefault()
      hit.run(e)
    }
  }

  private clear(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.prefix = null
  }
}

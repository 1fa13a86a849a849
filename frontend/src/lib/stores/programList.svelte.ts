// A list the program keeps (labels, custom fields, saved views): loaded
// once and again after every change. Every change goes to the program
// first; the list shows what it says after.

import * as api from '../api'

export class ProgramList<T> {
  items = $state.raw<T[]>([])
  loaded = $state(false)
  /** Why the last load or change failed. */
  error = $state<Error | null>(null)

  private seq = 0

  constructor(private readonly fetchAll: () => Promise<T[]>) {}

  /** Loads the list again; an older answer never replaces a newer one. */
  async load(): Promise<void> {
    const n = ++this.seq
    try {
      const items = await this.fetchAll()
      if (n !== this.seq) return
      this.items = items
      this.loaded = true
      this.error = null
    } catch (e) {
      if (n === this.seq) this.error = api.toError(e)
    }
  }

  /** Runs a change, then reloads the list; a refused change is thrown on (its message says why). */
  async change<R>(fn: () => Promise<R>): Promise<R> {
    try {
      const out = await fn()
      this.error = null
      return out
    } finally {
      await this.load()
    }
  }
}

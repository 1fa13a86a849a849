// The labels there are: loaded once and again after every change, shared by
// the filter bar (the Label filter's options), the detail (autocomplete of
// the label editor) and the Labels page. Every change goes to the program
// first; the list shows what it says after.

import * as api from '../api'
import type { LabelView } from '../api'

export class LabelsStore {
  labels = $state.raw<LabelView[]>([])
  loaded = $state(false)
  /** Why the last load or change failed. */
  error = $state<Error | null>(null)

  private seq = 0

  /** Loads the list again; an older answer never replaces a newer one. */
  async load(): Promise<void> {
    const n = ++this.seq
    try {
      const labels = await api.listLabels()
      if (n !== this.seq) return
      this.labels = labels
      this.loaded = true
      this.error = null
    } catch (e) {
      if (n === this.seq) this.error = api.toError(e)
    }
  }

  /** The label of this name, folded as search folds it (case and accents). */
  find(name: string): LabelView | undefined {
    const k = fold(name)
    return this.labels.find((l) => fold(l.name) === k)
  }

  create(name: string, color = ''): Promise<LabelView> {
    return this.change(() => api.createLabel({ name: name.trim(), color }))
  }

  rename(id: number, name: string): Promise<LabelView> {
    return this.change(() => api.updateLabel(id, { name: name.trim() }))
  }

  recolor(id: number, color: string): Promise<LabelView> {
    return this.change(() => api.updateLabel(id, { color }))
  }

  remove(id: number): Promise<void> {
    return this.change(() => api.deleteLabel(id))
  }

  /** Runs a change, then reloads the list; a refused change is thrown on (its message says why). */
  async change<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const out = await fn()
      this.error = null
      return out
    } finally {
      await this.load()
    }
  }
}

/** Case and accents folded, as the program's filters fold label names and field values. */
export function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim()
}

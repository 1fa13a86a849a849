// The labels there are: loaded once and again after every change, shared by
// the filter bar (the Label filter's options), the detail (autocomplete of
// the label editor) and the Labels page. Every change goes to the program
// first; the list shows what it says after.

import * as api from '../api'
import { ProgramList } from './programList.svelte'
import type { LabelView } from '../api'

export class LabelsStore extends ProgramList<LabelView> {
  constructor() {
    super(() => api.listLabels())
  }

  get labels(): LabelView[] {
    return this.items
  }

  set labels(v: LabelView[]) {
    this.items = v
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
}

/** Case and accents folded, as the program's filters fold label names and field values. */
export function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim()
}

// Hash links of the app's pages, for the tables' links to the timeline:
// the router's form (#/page?k=v, keys sorted, a list repeated).

import type { Params } from '../../stores/router.svelte'

export function hashOf(page: string, params: Params): string {
  const q = new URLSearchParams()
  for (const k of Object.keys(params).sort()) {
    const v = params[k]
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string' && x !== '') q.append(k, x)
  }
  const s = q.toString()
  return `#/${page}${s ? `?${s}` : ''}`
}

// Chat content is untrusted: no source file of the UI may hand text to the
// HTML parser. This scan fails on {@html} in a component and on
// innerHTML / outerHTML / insertAdjacentHTML / document.write anywhere in
// frontend/src (this file names them only inside the pattern below).

import { describe, expect, it } from 'vitest'

// Every source file under src, as text, read by Vite at test time.
const sources = import.meta.glob<string>(['./**/*.svelte', './**/*.ts', './**/*.js'], {
  query: '?raw',
  import: 'default',
  eager: true,
})

const FORBIDDEN = new RegExp(['\\{@' + 'html', 'inner' + 'HTML', 'outer' + 'HTML', 'insertAdjacent' + 'HTML', 'document\\.' + 'write'].join('|'))

describe('frontend/src', () => {
  it('has the components and modules to scan', () => {
    const names = Object.keys(sources)
    expect(names).toContain('./App.svelte')
    expect(names).toContain('./lib/components/SessionRow.svelte')
    expect(names).toContain('./lib/api.ts')
    expect(names.length).toBeGreaterThan(20)
  })

  it('never parses text as HTML', () => {
    const hits = Object.entries(sources).flatMap(([name, text]) =>
      text.split('\n').flatMap((line, i) => (FORBIDDEN.test(line) ? [`${name}:${i + 1}: ${line.trim()}`] : [])),
    )
    expect(hits).toEqual([])
  })

  it('catches each form it forbids', () => {
    for (const bad of ['{@' + 'html x}', 'el.inner' + 'HTML = s', 'el.outer' + 'HTML', 'el.insertAdjacent' + 'HTML(', 'document.' + 'write(']) {
      expect(FORBIDDEN.test(bad), bad).toBe(true)
    }
    expect(FORBIDDEN.test('el.textContent = s')).toBe(false)
  })
})

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { THEME_KEY, ThemeStore } from './theme.svelte'

/** A system preference the spec can flip, as matchMedia reports it. */
function stubSystem(dark: boolean) {
  const listeners = new Set<(e: { matches: boolean }) => void>()
  const media = {
    matches: dark,
    addEventListener: (_: string, fn: (e: { matches: boolean }) => void) => listeners.add(fn),
    removeEventListener: (_: string, fn: (e: { matches: boolean }) => void) => listeners.delete(fn),
  }
  vi.stubGlobal('matchMedia', (q: string) => {
    expect(q).toBe('(prefers-color-scheme: dark)')
    return media
  })
  return {
    flip(d: boolean) {
      media.matches = d
      listeners.forEach((fn) => fn({ matches: d }))
    },
    listeners: () => listeners.size,
  }
}

let root: HTMLElement
beforeEach(() => {
  localStorage.clear()
  root = document.createElement('html')
})
afterEach(() => vi.unstubAllGlobals())

describe('ThemeStore', () => {
  it('follows the system until the user picks', () => {
    const sys = stubSystem(true)
    const t = new ThemeStore(root)
    const stop = t.start()
    expect(root.dataset.theme).toBe('dark')
    expect(root.style.colorScheme).toBe('dark')
    sys.flip(false)
    expect(root.dataset.theme).toBe('light')
    stop()
    expect(sys.listeners()).toBe(0)
  })

  it('keeps a pick for the next visit, and forgets it for the system', () => {
    const sys = stubSystem(false)
    const t = new ThemeStore(root)
    t.start()
    t.set('dark')
    expect(localStorage.getItem(THEME_KEY)).toBe('dark')
    sys.flip(false)
    expect(root.dataset.theme).toBe('dark')
    expect(new ThemeStore(root).choice).toBe('dark')
    t.set('system')
    expect(localStorage.getItem(THEME_KEY)).toBeNull()
    expect(root.dataset.theme).toBe('light')
  })

  it('cycles system, light, dark', () => {
    stubSystem(false)
    const t = new ThemeStore(root)
    const seen = [t.choice]
    for (let i = 0; i < 3; i++) {
      t.cycle()
      seen.push(t.choice)
    }
    expect(seen).toEqual(['system', 'light', 'dark', 'system'])
  })

  it('ignores a stored value it does not know, and works without matchMedia', () => {
    localStorage.setItem(THEME_KEY, 'purple')
    const t = new ThemeStore(root)
    t.start()
    expect(t.choice).toBe('system')
    expect(root.dataset.theme).toBe('light')
  })
})

// Shortcuts: single keys, two-key sequences within their time, keys left to
// the box being typed in, and shortcuts that apply only at times.

import { afterEach, describe, expect, it, vi } from 'vitest'
import { KeyboardStore, typing, type Shortcut } from './keyboard.svelte'

let stop: () => void = () => {}
afterEach(() => {
  stop()
  vi.useRealTimers()
  document.body.replaceChildren()
})

/** An element put in the page: a tag, with the input type for inputs. */
function el(tag: string, type?: string): HTMLElement {
  const e = document.createElement(tag)
  if (type) (e as HTMLInputElement).type = type
  document.body.append(e)
  return e
}

function keys(shortcuts: Shortcut[]) {
  const k = new KeyboardStore(() => shortcuts, window, 1000)
  stop = k.start()
  return k
}

function press(key: string, target: EventTarget = document.body, init: KeyboardEventInit = {}) {
  const e = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init })
  target.dispatchEvent(e)
  return e
}

describe('typing', () => {
  it.each<[string, string | undefined, boolean]>([
    ['input', 'text', true],
    ['input', 'search', true],
    ['input', 'date', true],
    ['input', 'checkbox', false],
    ['textarea', undefined, true],
    ['select', undefined, true],
    ['button', undefined, false],
    ['a', undefined, false],
  ])('%s %s → %s', (tag, type, want) => {
    expect(typing(el(tag, type))).toBe(want)
  })
})

describe('KeyboardStore', () => {
  it('runs a single key and takes it from the page', () => {
    const run = vi.fn()
    keys([{ keys: 'j', run }])
    const e = press('j')
    expect(run).toHaveBeenCalledOnce()
    expect(e.defaultPrevented).toBe(true)
    expect(press('x').defaultPrevented).toBe(false)
  })

  it('runs a sequence when its second key comes in time, and not after', () => {
    vi.useFakeTimers()
    const gc = vi.fn()
    const c = vi.fn()
    const k = keys([
      { keys: 'g c', run: gc },
      { keys: 'c', run: c },
    ])
    press('g')
    expect(k.prefix).toBe('g')
    press('c')
    expect(gc).toHaveBeenCalledOnce()
    expect(c).not.toHaveBeenCalled()
    press('g')
    vi.advanceTimersByTime(1100)
    press('c')
    expect(gc).toHaveBeenCalledOnce()
    expect(c).toHaveBeenCalledOnce()
  })

  it('leaves keys typed into a box to the box, but for the shortcuts meant there too', () => {
    const j = vi.fn()
    const esc = vi.fn()
    keys([
      { keys: 'j', run: j },
      { keys: 'Escape', run: esc, inInputs: true },
    ])
    const box = el('input', 'search')
    expect(press('j', box).defaultPrevented).toBe(false)
    press('Escape', box)
    expect(j).not.toHaveBeenCalled()
    expect(esc).toHaveBeenCalledOnce()
  })

  it('leaves a key the page used already, and keys with modifiers', () => {
    const j = vi.fn()
    keys([{ keys: 'j', run: j }])
    const div = el('div')
    div.addEventListener('keydown', (e) => e.preventDefault())
    press('j', div)
    press('j', document.body, { ctrlKey: true })
    expect(j).not.toHaveBeenCalled()
  })

  it('runs only the shortcuts that apply now', () => {
    let on = false
    const run = vi.fn()
    keys([{ keys: '/', run, when: () => on }])
    press('/')
    on = true
    press('/')
    expect(run).toHaveBeenCalledOnce()
  })

  it('stops listening when stopped', () => {
    const run = vi.fn()
    keys([{ keys: 'j', run }])
    stop()
    press('j')
    expect(run).not.toHaveBeenCalled()
  })
})

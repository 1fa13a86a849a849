import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatHash, parseHash, Router, values } from './router.svelte'

describe('parseHash and formatHash', () => {
  it.each([
    ['', { page: 'sessions', params: {} }, '#/sessions'],
    ['#/', { page: 'sessions', params: {} }, '#/sessions'],
    ['#/sessions', { page: 'sessions', params: {} }, '#/sessions'],
    ['#/sessions?status=active', { page: 'sessions', params: { status: 'active' } }, '#/sessions?status=active'],
    ['#sessions/?status=completed&x=', { page: 'sessions', params: { status: 'completed' } }, '#/sessions?status=completed'],
    ['#/insights', { page: 'insights', params: {} }, '#/insights'],
    ['#/labels', { page: 'labels', params: {} }, '#/labels'],
    ['#/settings', { page: 'settings', params: {} }, '#/settings'],
    ['#/nowhere?status=active', { page: 'sessions', params: { status: 'active' } }, '#/sessions?status=active'],
    ['#/sessions?b=2&a=1', { page: 'sessions', params: { a: '1', b: '2' } }, '#/sessions?a=1&b=2'],
    ['#/sessions?q=a%20%26%20b', { page: 'sessions', params: { q: 'a & b' } }, '#/sessions?q=a+%26+b'],
    ['#/conversation?session=9&id=3', { page: 'conversation', params: { id: '3', session: '9' } }, '#/conversation?id=3&session=9'],
    ['#/welcome', { page: 'welcome', params: {} }, '#/welcome'],
    ['#/sessions?open=12&status=active', { page: 'sessions', params: { open: '12', status: 'active' } }, '#/sessions?open=12&status=active'],
    [
      '#/sessions?field=tier:gold&field=city:M%C3%BCnchen',
      { page: 'sessions', params: { field: 'city:München' }, lists: { field: ['tier:gold', 'city:München'] } },
      '#/sessions?field=tier%3Agold&field=city%3AM%C3%BCnchen',
    ],
  ])('%s', (hash, route, canonical) => {
    expect(parseHash(hash)).toEqual(route)
    expect(formatHash(parseHash(hash))).toBe(canonical)
    expect(parseHash(formatHash(parseHash(hash)))).toEqual(route)
  })
})

/** Waits for the hashchange a history move fires (jsdom fires it after a task). */
const moved = () => new Promise((r) => window.addEventListener('hashchange', r, { once: true }))

describe('Router', () => {
  let stop: () => void = () => {}
  beforeEach(() => history.replaceState(null, '', '#/sessions'))
  afterEach(() => stop())

  it('gives a page opened without a hash the timeline, without a history entry', () => {
    history.replaceState(null, '', location.pathname)
    const before = history.length
    const r = new Router()
    stop = r.start()
    expect(location.hash).toBe('#/sessions')
    expect(r.route.page).toBe('sessions')
    expect(history.length).toBe(before)
  })

  it('restores the view from the hash, as after a reload', () => {
    history.replaceState(null, '', '#/sessions?status=completed')
    const r = new Router()
    expect(r.route).toEqual({ page: 'sessions', params: { status: 'completed' } })
  })

  it('goes to a view at once, writes the hash, and follows back and forward', async () => {
    const r = new Router()
    stop = r.start()
    r.go('sessions', { status: 'active' })
    expect(r.route).toEqual({ page: 'sessions', params: { status: 'active' } })
    expect(location.hash).toBe('#/sessions?status=active')
    await moved()
    r.go('settings')
    await moved()
    expect(r.route.page).toBe('settings')

    history.back()
    await moved()
    expect(r.route).toEqual({ page: 'sessions', params: { status: 'active' } })
    history.back()
    await moved()
    expect(r.route).toEqual({ page: 'sessions', params: {} })
    history.forward()
    await moved()
    expect(r.route).toEqual({ page: 'sessions', params: { status: 'active' } })
  })

  it('adds no history entry for the view on screen', () => {
    const r = new Router()
    stop = r.start()
    const before = history.length
    r.go('sessions', { status: '' })
    expect(history.length).toBe(before)
  })

  it('keeps every value of a repeated parameter, in order', async () => {
    const r = new Router()
    stop = r.start()
    r.go('sessions', { field: ['tier:gold', 'city:Berlin'], label: 'vip', q: '' })
    await moved()
    expect(location.hash).toBe('#/sessions?field=tier%3Agold&field=city%3ABerlin&label=vip')
    expect(values(r.route, 'field')).toEqual(['tier:gold', 'city:Berlin'])
    expect(values(r.route, 'label')).toEqual(['vip'])
    expect(values(r.route, 'q')).toEqual([])
  })

  it('replaces the entry on screen without adding one (the search box as the user types)', () => {
    const r = new Router()
    stop = r.start()
    const before = history.length
    r.replace('sessions', { q: 'ref' })
    r.replace('sessions', { q: 'refund' })
    expect(location.hash).toBe('#/sessions?q=refund')
    expect(r.route.params).toEqual({ q: 'refund' })
    expect(history.length).toBe(before)
  })

  it('goes back through its own history only, else takes the fallback', async () => {
    const r = new Router()
    stop = r.start()
    let fell = 0
    r.back(() => fell++)
    expect(fell).toBe(1)
    r.go('sessions', { open: '4' })
    await moved()
    const back = moved()
    r.back(() => fell++)
    await back
    expect(fell).toBe(1)
    expect(r.route.params).toEqual({})
  })

  it('stops following the hash when stopped', async () => {
    const r = new Router()
    stop = r.start()
    stop()
    location.hash = '#/labels'
    await moved()
    expect(r.route.page).toBe('sessions')
  })
})

describe('#/view/ID', () => {
  it.each([
    ['#/view/12', { page: 'view', params: { id: '12' } }, '#/view/12'],
    ['#/view/12/', { page: 'view', params: { id: '12' } }, '#/view/12'],
    ['#/view/abc', { page: 'sessions', params: {} }, '#/sessions'],
    ['#/contact?id=3', { page: 'contact', params: { id: '3' } }, '#/contact?id=3'],
  ])('%s', (hash, route, again) => {
    expect(parseHash(hash)).toEqual(route)
    expect(formatHash(parseHash(hash))).toBe(again)
  })
})

import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import ListFooter from './ListFooter.svelte'
import StatusSwitch from './StatusSwitch.svelte'

describe('ListFooter', () => {
  it('offers more while there is more', async () => {
    const onmore = vi.fn()
    render(ListFooter, { hasMore: true, loading: false, onmore })
    await fireEvent.click(screen.getByRole('button', { name: 'Load More Sessions' }))
    expect(onmore).toHaveBeenCalledOnce()
    expect(screen.queryByText("You've reached the end of the sessions.")).toBeNull()
  })

  it('is disabled while loading', () => {
    render(ListFooter, { hasMore: true, loading: true, onmore: () => {} })
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Loading…' }).disabled).toBe(true)
  })

  it('says the end was reached', () => {
    render(ListFooter, { hasMore: false, loading: false, onmore: () => {} })
    expect(screen.getByText("You've reached the end of the sessions.")).toBeTruthy()
    expect(screen.queryByRole('button')).toBeNull()
  })

  it('says why a page failed, as text, and tries again', async () => {
    const onmore = vi.fn()
    render(ListFooter, { hasMore: true, loading: false, error: new Error('<b>offline</b>'), onmore })
    expect(screen.getByRole('alert').querySelector('.error-text')?.textContent).toBe('<b>offline</b>')
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(onmore).toHaveBeenCalledOnce()
  })
})

describe('StatusSwitch', () => {
  it('marks the status shown and tells which one was picked', async () => {
    const onchange = vi.fn()
    render(StatusSwitch, { value: 'active', onchange })
    const buttons = screen.getAllByRole('button')
    expect(buttons.map((b) => [b.textContent, b.getAttribute('aria-pressed')])).toEqual([
      ['All Sessions', 'false'],
      ['Active Sessions', 'true'],
      ['Completed Sessions', 'false'],
    ])
    await fireEvent.click(buttons[2])
    expect(onchange).toHaveBeenCalledWith('completed')
  })
})

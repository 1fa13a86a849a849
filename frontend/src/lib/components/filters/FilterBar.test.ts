// The filter bar as the user works it: typing in the search box (sent once
// after the pause), the + menu and each filter's editor, the chips (changed
// and removed one at a time) and the number of matches.

import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { NO_FILTERS, type Filters } from '../../stores/filters.svelte'
import FilterBar from './FilterBar.svelte'
import type { FieldDef, LabelDef } from './types'

const LABELS: LabelDef[] = [
  { name: 'billing', color: '#e5484d' },
  { name: 'vip', color: '#30a46c' },
]
const FIELDS: FieldDef[] = [
  { key: 'city', name: 'City', type: 'text', choices: null },
  { key: 'tier', name: 'Tier', type: 'choice', choices: ['gold', 'silver'] },
  { key: 'orders', name: 'Orders', type: 'number', choices: null },
  { key: 'renewal', name: 'Renewal', type: 'date', choices: null },
]

function bar(filters: Partial<Filters> = {}, total: number | null = 1234) {
  const changes: [Filters, boolean][] = []
  const r = render(FilterBar, {
    filters: { ...NO_FILTERS, ...filters },
    total,
    labels: LABELS,
    fields: FIELDS,
    onchange: (f: Filters, replace: boolean) => changes.push([f, replace]),
  })
  return { ...r, changes, last: () => changes.at(-1)?.[0] }
}

async function add(name: string) {
  await fireEvent.click(screen.getByRole('button', { name: 'Add filter' }))
  await fireEvent.click(screen.getByRole('menuitem', { name }))
  return screen.getByRole('form', { name: `${name} filter` })
}

afterEach(() => vi.useRealTimers())

describe('FilterBar', () => {
  it('says how many sessions match', () => {
    bar({}, 1234)
    expect(screen.getByText('1,234 sessions')).toBeTruthy()
  })

  it.each([
    [1, '1 session'],
    [0, '0 sessions'],
  ])('counts %i as "%s"', (n, want) => {
    bar({}, n)
    expect(screen.getByText(want)).toBeTruthy()
  })

  it('sends the search once the user pauses, replacing the history entry', async () => {
    vi.useFakeTimers()
    const { changes } = bar()
    const box = screen.getByRole('searchbox', { name: 'Search sessions' })
    await fireEvent.input(box, { target: { value: 'ref' } })
    await fireEvent.input(box, { target: { value: 'refund' } })
    expect(changes).toEqual([])
    vi.advanceTimersByTime(160)
    expect(changes).toEqual([[{ ...NO_FILTERS, q: 'refund' }, true]])
  })

  it('sends at once on Enter, and Esc clears the box', async () => {
    const { changes } = bar({ q: 'old' })
    const box = screen.getByRole<HTMLInputElement>('searchbox', { name: 'Search sessions' })
    expect(box.value).toBe('old')
    await fireEvent.input(box, { target: { value: 'new' } })
    await fireEvent.keyDown(box, { key: 'Enter' })
    expect(changes.map(([f]) => f.q)).toEqual(['new'])
    await fireEvent.keyDown(box, { key: 'Escape' })
    expect(box.value).toBe('')
    expect(changes.map(([f]) => f.q)).toEqual(['new', ''])
  })

  it('offers every filter of the + menu, and closes it with Esc', async () => {
    bar()
    const plus = screen.getByRole('button', { name: 'Add filter' })
    expect(plus.getAttribute('aria-expanded')).toBe('false')
    await fireEvent.click(plus)
    expect(plus.getAttribute('aria-expanded')).toBe('true')
    expect(screen.getAllByRole('menuitem').map((m) => m.textContent)).toEqual([
      'Summary',
      'Contact Name',
      'Contact Email',
      'Start Date',
      'End Date',
      'Channel Type',
      'Label',
      'Sentiment',
      'Custom Field',
      'Message text',
    ])
    await fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' })
    expect(screen.queryByRole('menu')).toBeNull()
    expect(document.activeElement).toBe(plus)
  })

  it.each<[string, (form: HTMLElement) => Promise<unknown>, Partial<Filters>]>([
    ['Summary', (f) => fireEvent.input(within(f).getByRole('searchbox'), { target: { value: ' late ' } }), { summary: 'late' }],
    ['Contact Name', (f) => fireEvent.input(within(f).getByRole('searchbox'), { target: { value: 'Ali' } }), { name: 'Ali' }],
    ['Contact Email', (f) => fireEvent.input(within(f).getByRole('searchbox'), { target: { value: 'a@b.de' } }), { email: 'a@b.de' }],
    ['Message text', (f) => fireEvent.input(within(f).getByRole('searchbox'), { target: { value: 'parcel' } }), { text: 'parcel' }],
    [
      'Start Date',
      async (f) => {
        await fireEvent.input(within(f).getByLabelText('From'), { target: { value: '2024-03-01' } })
        await fireEvent.input(within(f).getByLabelText('To'), { target: { value: '2024-03-31' } })
      },
      { from: '2024-03-01', to: '2024-03-31' },
    ],
    [
      'End Date',
      (f) => fireEvent.input(within(f).getByLabelText('To'), { target: { value: '2024-04-02' } }),
      { ended_to: '2024-04-02' },
    ],
    [
      'Channel Type',
      async (f) => {
        await fireEvent.click(within(f).getByLabelText('Web Chat'))
        await fireEvent.click(within(f).getByLabelText('WhatsApp'))
      },
      { channels: ['whatsapp', 'webchat'] },
    ],
    ['Label', (f) => fireEvent.click(within(f).getByLabelText('vip')), { labels: ['vip'] }],
    [
      'Sentiment',
      (f) => fireEvent.change(within(f).getByLabelText('Sentiment is'), { target: { value: 'positive' } }),
      { sentiment: 'positive' },
    ],
    [
      'Custom Field',
      async (f) => {
        await fireEvent.change(within(f).getByLabelText('Field'), { target: { value: 'tier' } })
        await fireEvent.change(within(f).getByLabelText('Value is'), { target: { value: 'gold' } })
      },
      { fields: [['tier', 'gold']] },
    ],
  ])('adds a %s filter as a new history entry', async (name, fill, want) => {
    const { changes } = bar()
    const form = await add(name)
    const apply = within(form).getByRole<HTMLButtonElement>('button', { name: 'Apply' })
    expect(apply.disabled).toBe(true)
    await fill(form)
    expect(apply.disabled).toBe(false)
    await fireEvent.click(apply)
    expect(changes).toEqual([[{ ...NO_FILTERS, ...want }, false]])
    expect(screen.queryByRole('form')).toBeNull()
  })

  it('edits a custom field by its type: a number, a date, a choice of its options', async () => {
    bar()
    const form = await add('Custom Field')
    expect(within(form).getByLabelText<HTMLInputElement>('Value is').type).toBe('text')
    await fireEvent.change(within(form).getByLabelText('Field'), { target: { value: 'orders' } })
    expect(within(form).getByLabelText<HTMLInputElement>('Value is').type).toBe('number')
    await fireEvent.change(within(form).getByLabelText('Field'), { target: { value: 'renewal' } })
    expect(within(form).getByLabelText<HTMLInputElement>('Value is').type).toBe('date')
    await fireEvent.change(within(form).getByLabelText('Field'), { target: { value: 'tier' } })
    const options = [...within(form).getByLabelText('Value is').querySelectorAll('option')].map((o) => o.textContent)
    expect(options).toEqual(['Pick one', 'gold', 'silver'])
  })

  it('refuses a start day after the end day', async () => {
    bar()
    const form = await add('Start Date')
    await fireEvent.input(within(form).getByLabelText('From'), { target: { value: '2024-05-01' } })
    await fireEvent.input(within(form).getByLabelText('To'), { target: { value: '2024-04-01' } })
    expect(within(form).getByRole('alert').textContent).toMatch(/after/)
    expect(within(form).getByRole<HTMLButtonElement>('button', { name: 'Apply' }).disabled).toBe(true)
  })

  it('cancels an editor with Esc and leaves the filters alone', async () => {
    const { changes } = bar()
    const form = await add('Summary')
    await fireEvent.input(within(form).getByRole('searchbox'), { target: { value: 'x' } })
    await fireEvent.keyDown(form, { key: 'Escape' })
    expect(screen.queryByRole('form')).toBeNull()
    expect(changes).toEqual([])
  })

  it('shows one chip per filter; removing one keeps the others', async () => {
    const { changes } = bar({ summary: 'late', labels: ['vip'], fields: [['city', 'Berlin'], ['tier', 'gold']] })
    const chips = within(screen.getByRole('list', { name: 'Filters' })).getAllByRole('listitem')
    expect(chips.map((c) => c.querySelector('.fb-chip-edit')?.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'Summary: late',
      'Label: vip',
      'City: Berlin',
      'Tier: gold',
    ])
    await fireEvent.click(screen.getByRole('button', { name: 'Remove filter City: Berlin' }))
    expect(changes).toEqual([[{ ...NO_FILTERS, summary: 'late', labels: ['vip'], fields: [['tier', 'gold']] }, false]])
  })

  it('changes a filter from its chip, starting from its value', async () => {
    const { changes } = bar({ summary: 'late', fields: [['city', 'Berlin']] })
    await fireEvent.click(screen.getByRole('button', { name: 'Change filter City: Berlin' }))
    const form = screen.getByRole('form', { name: 'Custom Field filter' })
    expect(within(form).getByLabelText<HTMLInputElement>('Value is').value).toBe('Berlin')
    await fireEvent.input(within(form).getByLabelText('Value is'), { target: { value: 'Köln' } })
    await fireEvent.click(within(form).getByRole('button', { name: 'Apply' }))
    expect(changes[0][0].fields).toEqual([['city', 'Köln']])
    expect(changes[0][0].summary).toBe('late')
  })

  it('picking a filter that is set changes it instead of adding a second', async () => {
    bar({ summary: 'late' })
    const form = await add('Summary')
    expect(within(form).getByRole<HTMLInputElement>('searchbox').value).toBe('late')
    expect(screen.getAllByRole('form')).toHaveLength(1)
  })

  it('shows chip text as text, never markup', () => {
    const { container } = bar({ summary: '<img src=x onerror=alert(1)>' })
    expect(container.querySelector('img')).toBeNull()
    expect(screen.getByText('<img src=x onerror=alert(1)>')).toBeTruthy()
  })
})

// How the specs find things on the page: by role, label and visible text,
// as a person would, gathered here so a markup change is fixed in one place.
import type { Locator, Page } from 'playwright-core'

export const END_TEXT = "You've reached the end of the sessions."
export const LOAD_MORE = /Load More Sessions/

/** The timeline list and its rows. */
export const ROWS = 'ol[aria-label="Sessions"] > li'

export interface Row {
  id: number
  name: string
  /** The row's <time datetime>: the session's start. */
  started: string
  /** Everything the row shows, as text. */
  text: string
}

/** The rows on screen, top to bottom. */
export async function readRows(page: Page): Promise<Row[]> {
  return page.$$eval(ROWS, (lis) =>
    lis.map((li) => {
      const el = li as HTMLElement
      return {
        id: Number(el.dataset.id ?? el.querySelector('[data-id]')?.getAttribute('data-id') ?? NaN),
        name: (el.querySelector('.row-name') as HTMLElement | null)?.innerText.trim() ?? '',
        started: el.querySelector('time')?.getAttribute('datetime') ?? '',
        text: el.innerText,
      }
    }),
  )
}

/** Waits for the first page of rows (or the empty state) after a navigation. */
export async function waitForTimeline(page: Page): Promise<void> {
  await page.waitForFunction(
    (sel) => document.querySelector(sel) !== null || /No sessions/i.test(document.body.innerText),
    ROWS,
  )
}

/** The status switch's option (All / Active / Completed). */
export function statusOption(page: Page, label: 'All' | 'Active' | 'Completed'): Locator {
  return page.getByRole('group', { name: 'Status' }).getByRole('button', { name: label, exact: false })
}

export function loadMore(page: Page): Locator {
  return page.getByRole('button', { name: LOAD_MORE })
}

export function endText(page: Page): Locator {
  return page.getByText(END_TEXT, { exact: true })
}

/** The browser's file input of the import button. */
export function fileInput(page: Page): Locator {
  return page.locator('input[type="file"]')
}

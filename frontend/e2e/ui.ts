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
  /** The status badge: "Active" or "Completed". */
  status: string
  /** Every piece of text in the row, joined by spaces. */
  text: string
}

/**
 * The rows in the list, top to bottom. Read from the DOM's text, not from
 * what is laid out (innerText), so rows the browser skips painting
 * off-screen (content-visibility) read the same.
 */
export async function readRows(page: Page): Promise<Row[]> {
  return page.$$eval(ROWS, (lis) =>
    lis.map((li) => {
      const el = li as HTMLElement
      const words: string[] = []
      const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT)
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        const t = n.textContent?.trim()
        if (t) words.push(t)
      }
      return {
        id: Number(el.dataset.id ?? el.querySelector('[data-id]')?.getAttribute('data-id') ?? NaN),
        name: el.querySelector('.row-name')?.textContent?.trim() ?? '',
        started: el.querySelector('time')?.getAttribute('datetime') ?? '',
        status: el.querySelector('.badge')?.textContent?.trim() ?? '',
        text: words.join(' '),
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

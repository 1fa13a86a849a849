// One Chromium per spec file (Debian's, with the flags BUILD-NOTES.md lists),
// a fresh context and page per test, and the checks every test shares: no
// dialog may open (a hostile chat would raise alert(1)), no script error may
// escape, the page's CSP refuses nothing, and the end state is kept as a screenshot in build/e2e/.
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest'
import { chromiumPath, requireChromium, shotDir, type E2EContext } from './env'
import { waitForTimeline } from './ui'

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

export interface Session {
  readonly page: Page
  readonly ctx: E2EContext
  /** Opens the app at a hash route ('' for the start page) and waits for the first rows or state. */
  open(route?: string): Promise<void>
  /** A screenshot of a state on the way (the end state is taken anyway). */
  shot(label: string): Promise<void>
}

export interface Options {
  /** Prefix of the screenshots: the spec's name. */
  name: string
  viewport?: { width: number; height: number }
  colorScheme?: 'light' | 'dark'
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

export async function launch(): Promise<{ browser: Browser; close(): Promise<void> }> {
  requireChromium()
  // Playwright gives a plain launch a fresh temporary profile of its own
  // (the --user-data-dir of BUILD-NOTES.md) and removes it on close.
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: FLAGS })
  return { browser, close: () => browser.close() }
}

/** Registers the hooks of one spec file and hands back the current test's page. */
export function useBrowser(opts: Options): Session {
  const ctx = inject('e2e')
  let b: Awaited<ReturnType<typeof launch>> | undefined
  let context: BrowserContext | undefined
  let page: Page | undefined
  let dialogs: string[] = []
  let errors: string[] = []

  beforeAll(async () => {
    b = await launch()
  })
  afterAll(async () => {
    await b?.close()
  })
  beforeEach(async () => {
    dialogs = []
    errors = []
    context = await b!.browser.newContext({
      viewport: opts.viewport ?? { width: 1280, height: 900 },
      colorScheme: opts.colorScheme ?? 'light',
      baseURL: ctx.baseURL,
    })
    page = await context.newPage()
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`)
      void d.dismiss().catch(() => {})
    })
    page.on('pageerror', (e) => errors.push(String(e)))
    // The strict policy must never have to refuse something the app itself does.
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text())
    })
  })
  afterEach(async (t) => {
    if (page) {
      await page.screenshot({ path: join(shotDir, `${slug(opts.name)}--${slug(t.task.name)}.png`), fullPage: false })
    }
    await context?.close()
    page = undefined
    expect(dialogs, 'a dialog was raised: chat content ran as code').toEqual([])
    expect(errors, 'an uncaught error in the page').toEqual([])
  })

  return {
    ctx,
    get page() {
      if (!page) throw new Error('no page: use it inside a test')
      return page
    },
    async shot(label: string) {
      await this.page.screenshot({ path: join(shotDir, `${slug(opts.name)}--${slug(label)}.png`) })
    },
    async open(route = '') {
      await this.page.goto(ctx.baseURL + '/' + (route ? '#' + route.replace(/^#/, '') : ''))
      await waitForTimeline(this.page)
    },
  }
}

// The browser's import button: a file chosen in the page's file input is
// uploaded, imported by the server, and reported with its counts.
import { describe, expect, test } from 'vitest'
import { listAll } from './api'
import { useBrowser } from './browser'
import { UPLOAD_NAME, uploadChat } from './chats'
import { fileInput } from './ui'

const s = useBrowser({ name: 'import' })

describe('import', () => {
  test('a file chosen in the page is imported and its report shows the counts', async () => {
    const before = await listAll(s.ctx)
    await s.open()
    const file = { name: UPLOAD_NAME, mimeType: 'text/plain', buffer: Buffer.from(uploadChat()) }

    await fileInput(s.page).setInputFiles(file)
    const report = s.page.getByRole('region', { name: /import/i }).or(s.page.locator('.report')).first()
    await expect.poll(() => report.innerText(), { timeout: 30_000 }).toContain('3 messages, 2 new sessions, 0 duplicates skipped')
    expect(await report.innerText()).toContain(UPLOAD_NAME)
    await s.shot('first import report')

    const after = await listAll(s.ctx)
    expect(after.length).toBe(before.length + 2)
    expect(after.filter((x) => x.contact?.name === 'Upload Person').length).toBe(2)

    // The same file again adds nothing and says so.
    await s.page.reload()
    await fileInput(s.page).setInputFiles(file)
    const again = s.page.getByRole('region', { name: /import/i }).or(s.page.locator('.report')).first()
    await expect.poll(() => again.innerText(), { timeout: 30_000 }).toContain('0 new sessions, 3 duplicates skipped')
    expect((await listAll(s.ctx)).length).toBe(after.length)
  })
})

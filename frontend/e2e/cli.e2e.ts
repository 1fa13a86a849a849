// The command line beside the open app: while `sessions serve` holds the
// library, the CLI's commands go to it over the local socket and answer
// the same as the page's API does.
import { describe, expect, test } from 'vitest'
import { inject } from 'vitest'
import { listAll } from './api'
import { HOSTILE_NAME } from './chats'
import { run } from './server'

const ctx = inject('e2e')

describe('CLI beside the open app', () => {
  test('list and show answer while the server holds the library, with the same results', async () => {
    const ids: number[] = []
    let cursor = ''
    for (let i = 0; i < 100; i++) {
      const args = ['--data', ctx.dataDir, 'list', '--json', '--limit', '200']
      if (cursor) args.push('--cursor', cursor)
      const r = run(args)
      expect(r.status, `sessions list beside the server: ${r.stderr}`).toBe(0)
      const page = JSON.parse(r.stdout) as { sessions: { id: number }[]; next_cursor: string | null }
      ids.push(...page.sessions.map((x) => x.id))
      if (!page.next_cursor) break
      cursor = page.next_cursor
    }
    expect(ids).toEqual((await listAll(ctx)).map((x) => x.id))

    // A word search needs the index the server holds.
    const words = run(['--data', ctx.dataDir, 'list', '--json', '--text', 'onerror'])
    expect(words.status, words.stderr).toBe(0)
    const found = JSON.parse(words.stdout) as { sessions: { contact: { name: string } | null }[] }
    expect(found.sessions.map((x) => x.contact?.name)).toEqual([HOSTILE_NAME])

    const hostile = ctx.sessions.find((x) => x.name === HOSTILE_NAME)!
    const show = run(['--data', ctx.dataDir, 'show', String(hostile.id)])
    expect(show.status, show.stderr).toBe(0)
    expect(show.stdout).toContain('<img src=x onerror=alert(1)>')
  })
})

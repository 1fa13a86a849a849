// Ctrl+C on `sessions serve`, as a person stops it: it exits 0 within a few
// seconds, says nothing went wrong, removes its socket and leaves a library
// the CLI opens again with every session. Runs after every other spec
// (vitest.config.ts orders it last).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, inject, test } from 'vitest'
import { run, type Exit } from './server'

const ctx = inject('e2e')

describe('shutdown', () => {
  test('SIGINT stops the server gracefully and leaves the library whole', async () => {
    const before = JSON.parse(run(['--data', ctx.dataDir, 'list', '--json', '--limit', '1']).stdout) as { total: number }
    expect(before.total).toBeGreaterThan(50)

    process.kill(ctx.serverPid, 'SIGINT')
    await expect.poll(() => existsSync(ctx.exitFile), { timeout: 20_000, interval: 100 }).toBe(true)
    const exit = JSON.parse(readFileSync(ctx.exitFile, 'utf8')) as Exit
    const log = readFileSync(ctx.logPath, 'utf8')
    expect(exit, `exit after SIGINT; log:\n${log}`).toEqual({ code: 0, signal: null })
    expect(log).not.toMatch(/panic|goroutine \d|data race|cut off|database is locked/i)
    expect(existsSync(join(ctx.dataDir, 'sessions.sock')), 'the local socket is removed').toBe(false)

    // The library is closed and whole: the CLI opens it itself now.
    const after = run(['--data', ctx.dataDir, 'list', '--json', '--limit', '1'])
    expect(after.status, after.stderr).toBe(0)
    expect((JSON.parse(after.stdout) as { total: number }).total).toBe(before.total)
    const words = run(['--data', ctx.dataDir, 'list', '--json', '--text', 'onerror'])
    expect(words.status, words.stderr).toBe(0)
  })
})

// Two libraries served for the README's screenshots: one that looks like a
// shop's (the shared fixtures and the repo's example WhatsApp chat; the
// shots load the sample data into it through the served API once the plain
// timeline is taken), and an empty one for the first-run screen.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { TestProject } from 'vitest/node'
import { repoRoot, requireChromium, shotDir } from '../env'
import { run, startServe, type Server } from '../server'

declare module 'vitest' {
  export interface ProvidedContext {
    shots: { baseURL: string; emptyURL: string }
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  requireChromium()
  mkdirSync(shotDir, { recursive: true })
  const tmp = mkdtempSync(join(tmpdir(), 'sessions-shots-'))
  const servers: Server[] = []
  const teardown = async () => {
    try {
      for (const s of servers) await s.stop()
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  }
  try {
    const data = join(tmp, 'data')
    const inputs = [
      resolve(repoRoot, '..', 'shared', 'fixtures'),
      join(repoRoot, 'backend', 'importer', 'testdata', 'WhatsApp Chat with Alice Example.txt'),
    ]
    for (const p of inputs) {
      const r = run(['--data', data, 'import', '--tz', 'UTC', p])
      if (r.status !== 0 && r.status !== 1) throw new Error(`importing ${p} failed (${r.status}): ${r.stderr}`)
    }
    servers.push(await startServe(data, join(shotDir, 'shots-serve.log')))
    servers.push(await startServe(join(tmp, 'empty'), join(shotDir, 'shots-serve-empty.log')))
    project.provide('shots', { baseURL: servers[0].baseURL, emptyURL: servers[1].baseURL })
    return teardown
  } catch (e) {
    await teardown()
    throw e
  }
}

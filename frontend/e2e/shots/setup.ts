// A library that looks like a shop's: the shared fixtures and the repo's
// example WhatsApp chat, served for the README's screenshots.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { TestProject } from 'vitest/node'
import { repoRoot, requireChromium, shotDir } from '../env'
import { run, startServe } from '../server'

declare module 'vitest' {
  export interface ProvidedContext {
    shots: { baseURL: string }
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  requireChromium()
  const tmp = mkdtempSync(join(tmpdir(), 'sessions-shots-'))
  const data = join(tmp, 'data')
  const inputs = [
    resolve(repoRoot, '..', 'shared', 'fixtures'),
    join(repoRoot, 'backend', 'importer', 'testdata', 'WhatsApp Chat with Alice Example.txt'),
  ]
  for (const p of inputs) {
    const r = run(['--data', data, 'import', '--tz', 'UTC', p])
    if (r.status !== 0 && r.status !== 1) throw new Error(`importing ${p} failed (${r.status}): ${r.stderr}`)
  }
  const server = await startServe(data, join(shotDir, 'shots-serve.log'))
  project.provide('shots', { baseURL: server.baseURL })
  return async () => {
    try {
      await server.stop()
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  }
}

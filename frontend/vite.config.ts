import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { svelteTesting } from '@testing-library/svelte/vite'
import type { Plugin } from 'vite'
import { defineConfig } from 'vitest/config'

// main.go embeds frontend/dist (//go:embed all:frontend/dist), which fails on
// an empty directory; a fresh clone has only the committed placeholder, so
// every build puts it back after Vite empties the directory.
function keepGitkeep(): Plugin {
  let outDir = ''
  return {
    name: 'keep-gitkeep',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
    },
    closeBundle() {
      writeFileSync(resolve(outDir, '.gitkeep'), '')
    },
  }
}

// The dev server injects CSS through <style> elements, which the strict
// policy in index.html forbids; relax it for the dev server only. Builds
// keep the policy exactly as written.
function devCsp(): Plugin {
  return {
    name: 'dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    },
  }
}

export default defineConfig({
  plugins: [svelte(), svelteTesting(), keepGitkeep(), devCsp()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No polyfill code: WebKitGTK and Chromium preload modules natively.
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
})

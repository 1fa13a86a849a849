// Svelte's compiler options, read by vite-plugin-svelte and svelte-check.
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte'

export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    runes: true,
    // Component styles go to the bundle's CSS file, never into <style>
    // elements: index.html's policy allows no inline styles.
    css: 'external',
  },
}

// Mounts the app on #app; the stylesheet is bundled into a CSS file, as the
// strict Content-Security-Policy of index.html allows no inline styles.
import { mount } from 'svelte'
import App from './App.svelte'
import './app.css'

const target = document.getElementById('app')
if (target) mount(App, { target })

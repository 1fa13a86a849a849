import './style.css'
import { Timeline } from './timeline'

const root = document.getElementById('app')
if (root) void new Timeline(root).start()

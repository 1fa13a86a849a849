// Small channel icons, built as SVG elements from constant shapes (no markup
// strings), 16×16 user units.

const NS = 'http://www.w3.org/2000/svg'

type Shape = [tag: 'path' | 'circle' | 'rect', attrs: Record<string, string>]

const shapes: Record<string, Shape[]> = {
  whatsapp: [
    ['path', { d: 'M8 1.3a6.6 6.6 0 0 0-5.7 9.9L1.3 14.7l3.6-.9A6.6 6.6 0 1 0 8 1.3z', fill: '#25D366' }],
    [
      'path',
      {
        d: 'M6 4.6c.2 0 .4 0 .5.3l.6 1.4c.1.2 0 .4-.1.5l-.4.5c-.1.1-.1.3 0 .4.5.9 1.2 1.6 2.1 2 .2.1.3.1.4 0l.5-.6c.1-.2.3-.2.5-.1l1.3.6c.2.1.3.2.3.4 0 .5-.3 1-.7 1.3-.5.3-1 .4-1.6.2-2-.6-3.5-2-4.2-3.9-.2-.6-.1-1.2.3-1.7.2-.2.3-.3.5-.3z',
        fill: '#fff',
      },
    ],
  ],
  instagram: [
    ['rect', { x: '1.5', y: '1.5', width: '13', height: '13', rx: '4', fill: '#E1306C' }],
    ['rect', { x: '4', y: '4', width: '8', height: '8', rx: '2.4', fill: 'none', stroke: '#fff', 'stroke-width': '1.3' }],
    ['circle', { cx: '8', cy: '8', r: '1.9', fill: 'none', stroke: '#fff', 'stroke-width': '1.3' }],
    ['circle', { cx: '10.6', cy: '5.4', r: '.6', fill: '#fff' }],
  ],
  facebook: [
    ['circle', { cx: '8', cy: '8', r: '6.7', fill: '#1877F2' }],
    [
      'path',
      {
        d: 'M8.9 14.7V9.6h1.7l.3-2H8.9V6.4c0-.6.2-1 1-1h1V3.6c-.2 0-.8-.1-1.5-.1-1.5 0-2.5.9-2.5 2.6v1.5H5.2v2h1.7v5.1z',
        fill: '#fff',
      },
    ],
  ],
  webchat: [
    [
      'path',
      {
        d: 'M3.2 2.5h9.6c1 0 1.7.8 1.7 1.7v6c0 1-.8 1.7-1.7 1.7H7.5l-3.3 2.6v-2.6h-1c-1 0-1.7-.8-1.7-1.7v-6c0-1 .8-1.7 1.7-1.7z',
        fill: '#64748B',
      },
    ],
    ['circle', { cx: '5.3', cy: '7.2', r: '.9', fill: '#fff' }],
    ['circle', { cx: '8', cy: '7.2', r: '.9', fill: '#fff' }],
    ['circle', { cx: '10.7', cy: '7.2', r: '.9', fill: '#fff' }],
  ],
}

// Outline icons of the controls, drawn in the text colour.
const line = { fill: 'none', stroke: 'currentColor', 'stroke-width': '1.4', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }

const uiShapes = {
  // A folder.
  folder: [['path', { d: 'M1.8 4.2c0-.7.5-1.2 1.2-1.2h3l1.5 1.6h5.5c.7 0 1.2.5 1.2 1.2v6.5c0 .7-.5 1.2-1.2 1.2H3c-.7 0-1.2-.5-1.2-1.2z', ...line }]],
  // An arrow into a tray.
  import: [
    ['path', { d: 'M8 2v7.5M5 6.8 8 9.8l3-3', ...line }],
    ['path', { d: 'M2.5 10v2.3c0 .6.5 1.2 1.2 1.2h8.6c.7 0 1.2-.6 1.2-1.2V10', ...line }],
  ],
} satisfies Record<string, Shape[]>

function icon(list: Shape[], className: string): SVGSVGElement {
  const svg = document.createElementNS(NS, 'svg')
  svg.setAttribute('viewBox', '0 0 16 16')
  svg.setAttribute('width', '16')
  svg.setAttribute('height', '16')
  svg.setAttribute('aria-hidden', 'true')
  svg.setAttribute('focusable', 'false')
  svg.classList.add(className)
  for (const [tag, attrs] of list) {
    const el = document.createElementNS(NS, tag)
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v)
    svg.append(el)
  }
  return svg
}

/** The icon of a channel id; unknown channels get the Web Chat bubble. */
export function channelIcon(channel: string): SVGSVGElement {
  return icon(shapes[channel] ?? shapes.webchat, 'channel-icon')
}

/** The icon of a control. */
export function uiIcon(name: keyof typeof uiShapes): SVGSVGElement {
  return icon(uiShapes[name], 'ui-icon')
}

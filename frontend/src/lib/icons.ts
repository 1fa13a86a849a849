// Icon shapes as data: Icon.svelte draws them as SVG elements (no markup
// strings anywhere), 16×16 user units.

export type Shape = [tag: 'path' | 'circle' | 'rect', attrs: Record<string, string>]

/** Channel marks in their brand colours; unknown channels get the Web Chat bubble. */
export const channelShapes: Record<string, Shape[]> = {
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

export const uiShapes = {
  // A folder.
  folder: [['path', { d: 'M1.8 4.2c0-.7.5-1.2 1.2-1.2h3l1.5 1.6h5.5c.7 0 1.2.5 1.2 1.2v6.5c0 .7-.5 1.2-1.2 1.2H3c-.7 0-1.2-.5-1.2-1.2z', ...line }]],
  // An arrow into a tray.
  import: [
    ['path', { d: 'M8 2v7.5M5 6.8 8 9.8l3-3', ...line }],
    ['path', { d: 'M2.5 10v2.3c0 .6.5 1.2 1.2 1.2h8.6c.7 0 1.2-.6 1.2-1.2V10', ...line }],
  ],
  // Speech bubbles stacked: the timeline of sessions.
  sessions: [
    ['path', { d: 'M2 3.5c0-.8.7-1.5 1.5-1.5h6c.8 0 1.5.7 1.5 1.5v3.5c0 .8-.7 1.5-1.5 1.5H6L3.5 10.5V8.5h0C2.7 8.5 2 7.8 2 7z', ...line }],
    ['path', { d: 'M12.5 6h.5c.6 0 1 .4 1 1v3.5c0 .6-.4 1-1 1h-.5V13l-2.2-1.5H8c-.6 0-1-.4-1-1v-.5', ...line }],
  ],
  // Bars of a chart.
  insights: [
    ['path', { d: 'M2.5 13.5h11', ...line }],
    ['path', { d: 'M4.5 11V8M8 11V4M11.5 11V6.5', ...line, 'stroke-width': '1.8' }],
  ],
  // A tag.
  labels: [
    ['path', { d: 'M2 2.8v4.1c0 .3.1.6.4.8l5.9 5.9c.4.4 1 .4 1.4 0l3.6-3.6c.4-.4.4-1 0-1.4L7.4 2.7c-.2-.2-.5-.4-.8-.4H2.8c-.5 0-.8.3-.8.5z', ...line }],
    ['circle', { cx: '5', cy: '5.2', r: '1', fill: 'currentColor' }],
  ],
  // A gear.
  settings: [
    ['circle', { cx: '8', cy: '8', r: '2', ...line }],
    [
      'path',
      {
        d: 'M8 1.8v1.6M8 12.6v1.6M1.8 8h1.6M12.6 8h1.6M3.6 3.6l1.1 1.1M11.3 11.3l1.1 1.1M3.6 12.4l1.1-1.1M11.3 4.7l1.1-1.1',
        ...line,
      },
    ],
    ['circle', { cx: '8', cy: '8', r: '4.6', ...line }],
  ],
  // A sun: light theme.
  sun: [
    ['circle', { cx: '8', cy: '8', r: '2.8', ...line }],
    ['path', { d: 'M8 1.5v1.3M8 13.2v1.3M1.5 8h1.3M13.2 8h1.3M3.4 3.4l.9.9M11.7 11.7l.9.9M3.4 12.6l.9-.9M11.7 4.3l.9-.9', ...line }],
  ],
  // A crescent: dark theme.
  moon: [['path', { d: 'M13.2 9.6A5.6 5.6 0 0 1 6.4 2.8a5.6 5.6 0 1 0 6.8 6.8z', ...line }]],
  // A half-filled circle: follow the system.
  system: [
    ['circle', { cx: '8', cy: '8', r: '5.8', ...line }],
    ['path', { d: 'M8 2.2a5.8 5.8 0 0 1 0 11.6z', fill: 'currentColor' }],
  ],
} satisfies Record<string, Shape[]>

export type UIIcon = keyof typeof uiShapes

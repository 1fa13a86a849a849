// The parts of Apache ECharts the insights draw with, and nothing more:
// tree-shaken echarts/core imports keep the rest of the library out of the
// insights chunk (the timeline never loads it). The canvas draws in the app;
// tests, in jsdom without a canvas, register ECharts' SVG renderer themselves.

import { BarChart, HeatmapChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components'
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

use([BarChart, LineChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, CanvasRenderer])

export type Renderer = 'canvas' | 'svg'
export { getInstanceByDom, init, use, type ECharts } from 'echarts/core'

import { Balances, CancelAllButton, CloseAllButton, Fills, OpenOrders, OrderHistory, Positions, useFillCount, useOpenOrderCount, usePositionCount } from '../components/orders/AccountTabs'
import { AiPanel } from '../components/ai/AiPanel'
import { BacktestPanel } from '../components/backtest/BacktestPanel'
import { BotsPanel } from '../components/bots/BotsPanel'
import { HealthPanel } from '../components/HealthPanel'
import { LogPanel } from '../components/LogPanel'
import type { DockPanel } from './dock'

/**
 * The tabs under the chart, in order. Another area mounts its panel with one entry at the end,
 * e.g. `{ id: 'bots', label: 'Bots', component: BotsPanel }`.
 */
export const DOCK_PANELS: readonly DockPanel[] = [
  { id: 'open', label: 'Open orders', component: OpenOrders, useCount: useOpenOrderCount, actions: CancelAllButton },
  { id: 'history', label: 'Order history', component: OrderHistory },
  { id: 'fills', label: 'Fills', component: Fills, useCount: useFillCount },
  { id: 'positions', label: 'Positions', component: Positions, useCount: usePositionCount, actions: CloseAllButton },
  { id: 'balances', label: 'Balances', component: Balances },
  { id: 'health', label: 'Health', component: HealthPanel, compactOnly: true },
  { id: 'log', label: 'Log', component: LogPanel, compactOnly: true },
  // ── other areas: one entry each below ──
  { id: 'bots', label: 'Bots', component: BotsPanel },
  { id: 'ai', label: 'AI', component: AiPanel },
  { id: 'backtest', label: 'Backtest', component: BacktestPanel }
]

import { getHeapStatistics } from 'node:v8'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { EventName, EventOf } from '../shared/api'
import type { HealthReport } from '../shared/health'
import { WorkerState } from '../shared/health'
import { BoundedSet } from './bounded-set'

/**
 * Prometheus metrics of a running Keel (served at `/metrics` by `keel serve`, same bearer token
 * as /api). Worker and feed gauges are read from the health report at scrape time; order
 * counters and the ack-latency histogram are fed as calls and events happen.
 */
export interface MetricsSources {
  health(): HealthReport
  wsClients(): number
}

export class KeelMetrics {
  readonly registry = new Registry()
  private readonly filledIds = new BoundedSet<string>(100_000)
  private readonly placed: Counter
  private readonly filled: Counter
  private readonly rejected: Counter
  private readonly ack: Histogram

  constructor(private readonly sources: MetricsSources) {
    const r = [this.registry]
    const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => void): Gauge =>
      new Gauge({ name, help, labelNames, registers: r, collect() {
        this.reset()
        collect(this)
      } })
    const workers = (): HealthReport['workers'] => this.sources.health().workers
    gauge('keel_worker_state', 'Worker state: 1 for the current state of each worker, 0 for the others.', ['worker', 'state'], (g) => {
      for (const w of workers()) for (const state of WorkerState.options) g.set({ worker: w.name, state }, w.state === state ? 1 : 0)
    })
    gauge('keel_worker_up', '1 while the worker is running.', ['worker'], (g) => workers().forEach((w) => g.set({ worker: w.name }, w.state === 'running' ? 1 : 0)))
    gauge('keel_worker_restarts', 'Restarts of the worker since the host started.', ['worker'], (g) => workers().forEach((w) => g.set({ worker: w.name }, w.restarts)))
    gauge('keel_worker_heartbeat_age_seconds', 'Time since the worker\'s last heartbeat.', ['worker'], (g) =>
      workers().forEach((w) => w.lastHeartbeatAgeMs !== null && g.set({ worker: w.name }, w.lastHeartbeatAgeMs / 1000))
    )
    gauge('keel_worker_event_loop_delay_seconds', 'Event-loop delay the worker reports in its heartbeat.', ['worker'], (g) =>
      workers().forEach((w) => w.eventLoopDelayMs !== null && g.set({ worker: w.name }, w.eventLoopDelayMs / 1000))
    )
    gauge('keel_worker_rss_bytes', 'Resident memory of the worker process.', ['worker'], (g) => workers().forEach((w) => w.rssBytes !== null && g.set({ worker: w.name }, w.rssBytes)))
    gauge('keel_host_rss_bytes', 'Resident memory of the host process.', [], (g) => g.set(this.sources.health().host.rssBytes))
    // From V8's own counters (no file descriptor needed, unlike RSS): they tell a leak (used heap
    // that stays up) from memory V8 or the allocator keeps but no longer uses.
    gauge('keel_host_heap_used_bytes', 'V8 heap in use in the host process.', [], (g) => g.set(getHeapStatistics().used_heap_size))
    gauge('keel_host_heap_total_bytes', 'V8 heap reserved by the host process.', [], (g) => g.set(getHeapStatistics().total_heap_size))
    gauge('keel_host_external_bytes', 'Memory outside the V8 heap held by JS objects in the host (Buffers, ArrayBuffers).', [], (g) => g.set(getHeapStatistics().external_memory))
    gauge('keel_host_event_loop_delay_seconds', 'Event-loop delay of the host process.', [], (g) => g.set(this.sources.health().host.eventLoopDelayMs / 1000))
    gauge('keel_ws_clients', 'Connected WebSocket event clients.', [], (g) => g.set(this.sources.wsClients()))
    gauge('keel_feed_staleness_seconds', 'Time since the last market-data message of an exchange feed.', ['exchange'], (g) => {
      for (const e of this.sources.health().exchanges) if (e.lastMessageAgeMs !== null) g.set({ exchange: e.exchange }, e.lastMessageAgeMs / 1000)
    })
    gauge('keel_feed_up', '1 while an exchange feed reports ok.', ['exchange'], (g) => this.sources.health().exchanges.forEach((e) => g.set({ exchange: e.exchange }, e.status === 'ok' ? 1 : 0)))
    this.placed = new Counter({ name: 'keel_orders_placed_total', help: 'Orders acknowledged by placeOrder.', registers: r })
    this.filled = new Counter({ name: 'keel_orders_filled_total', help: 'Orders that became completely filled.', registers: r })
    this.rejected = new Counter({ name: 'keel_orders_rejected_total', help: 'Orders refused (by validation, risk or the exchange rules).', registers: r })
    this.ack = new Histogram({
      name: 'keel_order_ack_seconds',
      help: 'placeOrder latency through the host: request in, journaled acknowledgement out.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r
    })
  }

  /** Every routed call (the router's observer): placeOrder outcomes and latency. */
  observeCall(method: string, ms: number, errorCode: string | null): void {
    if (method !== 'placeOrder') return
    if (errorCode === null) {
      this.placed.inc()
      this.ack.observe(ms / 1000)
    } else if (errorCode === 'rejected' || errorCode === 'bad_request') {
      this.rejected.inc()
    }
  }

  /** Bus events: fills (once per order, even if an update is delivered twice) and late rejections. */
  observeEvent<E extends EventName>(event: E, payload: EventOf<E>): void {
    if (event !== 'orderUpdated') return
    const { order } = payload as EventOf<'orderUpdated'>
    if (order.status === 'filled' && this.filledIds.add(order.id)) this.filled.inc()
    if (order.status === 'rejected' && this.filledIds.add(`rejected:${order.id}`)) this.rejected.inc()
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() }
  }
}

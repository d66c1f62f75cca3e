import { readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { Socket } from 'node:net'

export interface ConnectionLimits {
  /** Past this many open sockets new ones are closed at once: descriptors stay for the host. */
  maxSockets: number
  /** Past this many, requests are answered 503 (and the connection closed) instead of served. */
  busySockets: number
}

/** Descriptors kept free for the host's own needs: worker pipes, logs, /proc reads, a standby. */
const RESERVED_FDS = 128
const DEFAULT_MAX_SOCKETS = 1_024

/**
 * Socket caps derived from the process's descriptor limit (`ulimit -n`), so a connection flood
 * runs into Keel's cap long before the kernel's: the host never hits EMFILE for its own work.
 */
export function connectionLimits(fdLimit: number | undefined = openFileLimit()): ConnectionLimits {
  const fromFds = fdLimit === undefined ? DEFAULT_MAX_SOCKETS : fdLimit - RESERVED_FDS
  const maxSockets = Math.max(16, Math.min(DEFAULT_MAX_SOCKETS, fromFds))
  return { maxSockets, busySockets: Math.max(8, Math.floor(maxSockets * 0.75)) }
}

/** The soft "Max open files" limit of this process (Linux), if it can be read. */
export function openFileLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]
    return line === undefined || line === 'unlimited' ? undefined : Number(line)
  } catch {
    return undefined
  }
}

/** Counts a server's open sockets and enforces the caps. */
export class ConnectionGate {
  private open = 0
  refused = 0

  constructor(readonly limits: ConnectionLimits) {}

  get openSockets(): number {
    return this.open
  }

  /** True while the host has more connections than it serves: answer 503. */
  get saturated(): boolean {
    return this.open > this.limits.busySockets
  }

  attach(server: Server): void {
    server.on('connection', (socket: Socket) => {
      if (this.open >= this.limits.maxSockets) {
        this.refused += 1
        socket.destroy()
        return
      }
      this.open += 1
      socket.once('close', () => (this.open -= 1))
    })
  }
}

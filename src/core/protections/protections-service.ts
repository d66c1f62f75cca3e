import type { z } from 'zod'
import { BOT_ACCOUNT_PREFIX, type KillSwitchParams, type SetProtectionsParams, type KillSwitchResult, type ProtectionsState } from '../../shared/bots'
import { KeelError } from '../../shared/errors'
import { LIVE_STATUSES, type PlaceOrderParams } from '../../shared/trading'
import type { ExchangeState } from '../exchange/state'
import type { ProtectionsFile } from './config-file'
import { ProtectionGuard } from './guard'

export interface ProtectionsHost {
  state(): ExchangeState
  /** Cancels every live order of the account; resolves to how many were cancelled. */
  cancelAll(account: string): Promise<number>
  emit(event: 'killSwitchChanged', payload: { engaged: boolean }): void
  now(): number
}

/**
 * Execution's protections: the settings (persisted in ProtectionsFile), the guard that judges
 * every order with them, and the kill switch. Its methods are execution's API handlers.
 */
export class ProtectionsService {
  private settings: ProtectionsState
  readonly guard: ProtectionGuard

  constructor(
    private readonly file: ProtectionsFile,
    private readonly host: ProtectionsHost,
    onDamaged: (why: string) => void
  ) {
    this.settings = file.read(onDamaged)
    this.guard = new ProtectionGuard(() => this.settings)
  }

  /** The guard's verdict on one placeOrder (undefined: let it through). */
  refusal(params: PlaceOrderParams): string | undefined {
    return this.guard.check(this.host.state(), params, this.host.now())
  }

  /** Execution's protections methods; params arrive parsed with their api.ts schemas. */
  handlers() {
    return {
      protections: (): ProtectionsState => this.settings,
      setProtections: ({ account, protections }: z.output<typeof SetProtectionsParams>): ProtectionsState => {
        const accounts = { ...this.settings.accounts }
        if (protections) accounts[account] = protections
        else delete accounts[account]
        this.save({ ...this.settings, accounts })
        return this.settings
      },
      killSwitch: ({ engaged }: z.output<typeof KillSwitchParams>): Promise<KillSwitchResult> => this.killSwitch(engaged)
    }
  }

  private async killSwitch(engaged: boolean): Promise<KillSwitchResult> {
    // Engaged first, then the cancels: no bot order slips in between.
    this.save({ ...this.settings, killSwitch: engaged })
    this.host.emit('killSwitchChanged', { engaged })
    const botAccounts = new Set(Object.keys(this.settings.accounts).filter((a) => a.startsWith(BOT_ACCOUNT_PREFIX)))
    let cancelledOrders = 0
    if (engaged) {
      for (const order of this.host.state().orders.values()) {
        if (order.account.startsWith(BOT_ACCOUNT_PREFIX) && LIVE_STATUSES.includes(order.status)) botAccounts.add(order.account)
      }
      for (const account of botAccounts) cancelledOrders += await this.host.cancelAll(account)
    }
    return { engaged, haltedBots: engaged ? botAccounts.size : 0, cancelledOrders }
  }

  private save(next: ProtectionsState): void {
    try {
      this.file.write(next)
    } catch (err) {
      throw new KeelError('unavailable', `cannot save protections: ${(err as Error).message}`)
    }
    this.settings = next
  }
}

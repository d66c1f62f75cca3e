import type { EventName, EventOf, KeelClient, MethodName, ParamsOf, ResultOf } from '../../../shared/api'
import type { PreloadBridge } from '../../../shared/ipc-channels'
import { EventHub } from './event-hub'
import { errorFrom, resultFrom } from './remote-call'

/** The desktop KeelClient over the preload bridge (IPC). Same contract as HttpClient. */
export class ElectronClient implements KeelClient {
  private readonly hub = new EventHub()

  constructor(private readonly bridge: PreloadBridge) {
    bridge.subscribe((frames) => this.hub.dispatchFrames(frames))
  }

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const answer = (await this.bridge.call(method, params ?? {})) as { ok: boolean; result?: unknown }
    if (!answer.ok) throw errorFrom(answer, `${method} failed`)
    return resultFrom(method, answer.result)
  }

  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    return this.hub.on(event, listener)
  }
}

/**
 * Tick-size arithmetic for the market feeds (demo books, candles, trades): the one
 * implementation in src/shared/market-rules, under the names the market code uses.
 */
export {
  ceilToStep as ceilToTick,
  decimalsOf as tickDecimals,
  floorToStep as floorToTick,
  isOnStep as isOnTick,
  roundToStep as roundToTick
} from '../../shared/market-rules'

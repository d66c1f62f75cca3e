/** One set of market rules for the engine, the demo market, the order ticket and the chart. Pure: no Node, no DOM. */
export { ceilToStep, decimalsOf, floorToStep, isOnStep, roundToStep } from './steps'
export {
  affordableAmount,
  amountBreak,
  amountOnStep,
  buyCost,
  costBreak,
  describeBreak,
  fmt,
  fundingFeeRate,
  notional,
  priceBreak,
  priceOnTick,
  sellProceeds,
  tickBreak,
  type Judged,
  type RuleBreak
} from './rules'

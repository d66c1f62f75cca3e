// The policy is pure and shared with the strategy worker (bots restart by it too): it lives in core.
export * from '../../core/supervision/restart-policy'

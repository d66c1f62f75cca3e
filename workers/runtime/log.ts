import log from 'electron-log/node'
import { join } from 'node:path'
import { applyLogPolicy, logPolicyFromEnv } from '../../src/core/util/log-files'

export type WorkerLogger = Pick<typeof log, 'error' | 'warn' | 'info' | 'debug'>

/**
 * electron-log's node flavour, one file per worker under <dataDir>/logs. Warnings and errors
 * also go to stderr, which the supervisor keeps the tail of for crash records.
 */
export function createWorkerLogger(worker: string, dataDir: string): WorkerLogger {
  const logger = log.create({ logId: `worker-${worker}` })
  logger.transports.file.resolvePathFn = () => join(dataDir, 'logs', `${worker}.log`)
  logger.transports.file.level = 'info'
  applyLogPolicy(logger.transports.file, logPolicyFromEnv(process.env), worker)
  logger.transports.console.level = 'warn'
  logger.transports.console.writeFn = ({ message }) => {
    process.stderr.write(`[${worker}] ${message.level}: ${message.data.map(String).join(' ')}\n`)
  }
  return logger
}

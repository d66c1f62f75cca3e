// Preloaded (NODE_OPTIONS=--require) into tools that try the network on their own, so they fail
// at once with ENOTFOUND instead of hanging on DNS and timing out (Keel's tests run offline).
const dns = require('node:dns')
const fail = (host, options, callback) => {
  const cb = typeof options === 'function' ? options : callback
  const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host} (offline test run)`), { code: 'ENOTFOUND', hostname: host })
  process.nextTick(() => cb(err))
}
dns.lookup = fail

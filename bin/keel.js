#!/usr/bin/env node
// The `keel` command (keel serve …): the built headless host.
require('../out/main/cli.js')

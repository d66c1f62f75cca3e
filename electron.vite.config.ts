import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { resolve } from 'node:path'

// One build produces everything Keel runs: the Electron main entry, the headless CLI
// (same app core, no Electron), one entry per worker, the sandboxed preload (CommonJS)
// and the renderer. Dependencies stay external (node_modules), so ccxt is not bundled.
export default defineConfig({
  main: {
    build: {
      // trading-signals ships as ~90 ES modules: require()d from these CommonJS bundles, resolving
      // and linking them costs each process using it 80–170 ms and ~18 MB (the AI and strategy
      // workers, every bot and backtest thread); bundled in, it loads in ~10 ms and ~3 MB.
      externalizeDeps: { exclude: ['trading-signals'] },
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src/main/electron/index.ts'),
          cli: resolve(__dirname, 'src/main/headless/cli.ts'),
          'worker-execution': resolve(__dirname, 'workers/execution.ts'),
          'worker-market': resolve(__dirname, 'workers/market.ts'),
          'worker-ai': resolve(__dirname, 'workers/ai.ts'),
          'worker-ai-train': resolve(__dirname, 'workers/ai-train.ts'),
          'worker-strategy': resolve(__dirname, 'workers/strategy.ts'),
          'worker-strategy-bot': resolve(__dirname, 'workers/strategy-bot.ts'),
          'worker-standby': resolve(__dirname, 'workers/standby.ts'),
          'worker-backtest-sweep': resolve(__dirname, 'workers/backtest-sweep.ts'),
          'worker-backtest-run': resolve(__dirname, 'workers/backtest-run.ts')
        }
      }
    }
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    base: './',
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rolldownOptions: { input: resolve(__dirname, 'src/renderer/index.html') }
    },
    plugins: [react()]
  }
})

// `npm start`: builds the client when it is missing or older than its sources, then runs the
// server (TypeScript through tsx) in the foreground, passing signals on so that SIGTERM
// shuts it down gracefully.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const builtPage = join(root, 'dist/client/index.html')

function newestSourceTime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSourceTime(path) : statSync(path).mtimeMs)
  }
  return newest
}

const sourcesTime = Math.max(newestSourceTime(join(root, 'client')), newestSourceTime(join(root, 'shared')), statSync(join(root, 'vite.config.ts')).mtimeMs)
if (!existsSync(builtPage) || statSync(builtPage).mtimeMs < sourcesTime) {
  console.log('Building the client…')
  // Always React's production bundle, whatever NODE_ENV the shell has.
  const build = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/main.ts')], { cwd: process.cwd(), stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))

/**
 * Server (b) of the benchmark: the reference y-websocket server (`@y/websocket-server`), as its
 * own `server.js` sets it up (a `ws` server without compression calling `setupWSConnection`),
 * with no persistence. The room is the path after `/collab/`, like Concordat's.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import { docs, setupWSConnection } from '@y/websocket-server/utils'
import { roomOfUrl, serveBenchControl } from './serverControl.ts'

const http = createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' })
  response.end('okay')
})
const wss = new WebSocketServer({ noServer: true })
http.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => setupWSConnection(ws, request, { docName: roomOfUrl(request.url) }))
})
http.listen(0, '127.0.0.1', () => {
  serveBenchControl((http.address() as AddressInfo).port, () => docs.size)
})

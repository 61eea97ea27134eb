/**
 * Server (c) of the benchmark, the floor: a bare `ws` relay that does no CRDT work. It forwards
 * every frame a client sends to the other clients of the same room, and answers sync step 1
 * with an empty sync step 2 so that y-websocket-protocol clients consider themselves synced.
 * It holds no document, so a joiner gets nothing of what was written before it came.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket, type RawData } from 'ws'
import { roomOfUrl, serveBenchControl } from './serverControl.ts'

/** `messageSync, syncStep2, varUint8Array([0, 0])`: the update of an empty document. */
const EMPTY_SYNC_STEP_2 = Buffer.from([0, 1, 2, 0, 0])

const rooms = new Map<string, Set<WebSocket>>()

function isSyncStep1(frame: Buffer): boolean {
  // messageSync (varUint 0) then syncStep1 (varUint 0): both single bytes.
  return frame.length >= 2 && frame[0] === 0 && frame[1] === 0
}

function join(ws: WebSocket, room: string): void {
  let members = rooms.get(room)
  if (!members) rooms.set(room, (members = new Set()))
  members.add(ws)
  ws.on('message', (data: RawData) => {
    const frame = data as Buffer
    if (isSyncStep1(frame)) {
      ws.send(EMPTY_SYNC_STEP_2)
      return
    }
    for (const other of members) if (other !== ws && other.readyState === other.OPEN) other.send(frame)
  })
  ws.on('close', () => {
    members.delete(ws)
    if (members.size === 0) rooms.delete(room)
  })
  ws.on('error', () => ws.terminate())
}

const http = createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' })
  response.end('okay')
})
const wss = new WebSocketServer({ noServer: true })
http.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => join(ws, roomOfUrl(request.url)))
})
http.listen(0, '127.0.0.1', () => {
  serveBenchControl((http.address() as AddressInfo).port, () => rooms.size)
})

/**
 * Two habits of the stock provider that the referee must live with: it echoes everyone's
 * presence back to the server, and after reconnecting it sends live edits before the sync
 * step 2 that carries its offline edits.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import { readParagraphs, writeParagraphs } from '../helpers/documents.ts'
import { connectProvider, startTestServer, type TestServer, waitFor, whenSynced } from '../helpers/testServer.ts'

describe('stock provider habits', () => {
  let server: TestServer
  const providers: WebsocketProvider[] = []
  const closes: number[] = []
  const connect = () => {
    const provider = connectProvider(server.wsUrl, 'habits')
    provider.on('connection-close', (event) => event && closes.push(event.code))
    providers.push(provider)
    return provider
  }

  afterEach(async () => {
    for (const p of providers.splice(0)) p.destroy()
    closes.length = 0
    await server.dispose()
  })

  it('a presence change echoed back by other providers disconnects nobody', async () => {
    server = await startTestServer()
    const a = connect()
    const b = connect()
    const c = connect()
    await Promise.all([whenSynced(a), whenSynced(b), whenSynced(c)])
    for (let i = 0; i < 5; i++) a.awareness.setLocalStateField('cursor', { at: i })
    await waitFor(() => (c.awareness.getStates().get(a.awareness.clientID) as { cursor?: { at: number } } | undefined)?.cursor?.at === 4, 'c sees a’s last cursor')
    writeParagraphs(b.doc, ['Still connected'])
    await waitFor(() => readParagraphs(a.doc).includes('Still connected'), 'b’s edit reaches a')
    expect(closes).toEqual([])
    expect([a, b, c].every((p) => p.wsconnected)).toBe(true)
  })

  it('editing while the connection comes back, with offline edits pending, loses nothing and disconnects nobody', async () => {
    server = await startTestServer()
    const a = connect()
    const b = connect()
    await Promise.all([whenSynced(a), whenSynced(b)])
    a.disconnect()
    writeParagraphs(a.doc, ['Written offline'])
    const onStatus = ({ status }: { status: string }) => {
      if (status === 'connected') {
        a.off('status', onStatus)
        writeParagraphs(a.doc, ['Typed as the connection returned'])
      }
    }
    a.on('status', onStatus)
    a.connect()
    await waitFor(() => readParagraphs(b.doc).length === 2, 'b has both paragraphs')
    expect(readParagraphs(b.doc).sort()).toEqual(['Typed as the connection returned', 'Written offline'])
    expect(closes).toEqual([])
    expect(a.shouldConnect).toBe(true)
  })

  it('closing the page right after typing keeps everything typed', async () => {
    server = await startTestServer()
    const a = connect()
    await whenSynced(a)
    for (let i = 1; i <= 10; i++) writeParagraphs(a.doc, [`Keystroke ${i}`])
    a.destroy()
    const stored = async () => {
      const doc = new Y.Doc()
      const { snapshot, updates } = await server.store.loadDocument('habits')
      if (snapshot) Y.applyUpdate(doc, snapshot)
      for (const { data } of updates) Y.applyUpdate(doc, data)
      return readParagraphs(doc).length
    }
    const deadline = Date.now() + 10_000
    while ((await stored()) < 10 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await stored()).toBe(10)
  })
})

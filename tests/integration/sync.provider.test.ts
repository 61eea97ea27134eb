/**
 * The stock y-websocket provider against a real Concordat server: clients converge, a late
 * joiner gets everything, and a restarted server serves the same content.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import { connectProvider, startTestServer, type TestServer, waitFor, whenSynced } from '../helpers/testServer.ts'
import { readParagraphs, writeParagraphs } from '../helpers/documents.ts'

describe('sync with the stock WebsocketProvider', () => {
  let server: TestServer
  const providers: WebsocketProvider[] = []
  const connect = (room: string, doc = new Y.Doc()) => {
    const provider = connectProvider(server.wsUrl, room, doc)
    providers.push(provider)
    return provider
  }

  afterEach(async () => {
    for (const p of providers.splice(0)) p.destroy()
    await server.dispose()
  })

  it('two clients editing the same contract converge', async () => {
    server = await startTestServer()
    const a = connect('framework')
    const b = connect('framework')
    await Promise.all([whenSynced(a), whenSynced(b)])
    writeParagraphs(a.doc, ['1. Definitions'])
    writeParagraphs(b.doc, ['2. Placement'])
    await waitFor(() => readParagraphs(a.doc).length === 2 && readParagraphs(b.doc).length === 2, 'both see both paragraphs')
    expect(readParagraphs(a.doc)).toEqual(readParagraphs(b.doc))
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc))
  })

  it('a client joining late receives everything written before', async () => {
    server = await startTestServer()
    const a = connect('framework')
    await whenSynced(a)
    writeParagraphs(a.doc, ['Definitions', 'Placement', 'Care planning'])
    const c = connect('framework')
    await whenSynced(c)
    await waitFor(() => readParagraphs(c.doc).length === 3, 'the late joiner has the three paragraphs')
    expect(readParagraphs(c.doc)).toEqual(['Definitions', 'Placement', 'Care planning'])
  })

  it('a restarted server serves the same content', async () => {
    server = await startTestServer()
    const a = connect('framework', new Y.Doc())
    await whenSynced(a)
    writeParagraphs(a.doc, ['Fees and payment', 'Termination'])
    const b = connect('framework')
    await waitFor(() => readParagraphs(b.doc).length === 2, 'a second client saw the text, so it was stored')
    for (const p of providers.splice(0)) p.destroy()
    server = await server.restart()
    const fresh = connect('framework')
    await whenSynced(fresh)
    expect(readParagraphs(fresh.doc)).toEqual(['Fees and payment', 'Termination'])
  })

  it('contracts are separate rooms', async () => {
    server = await startTestServer()
    const a = connect('children-homes')
    const b = connect('fostering')
    await Promise.all([whenSynced(a), whenSynced(b)])
    writeParagraphs(a.doc, ['Only in the children’s homes contract'])
    const c = connect('children-homes')
    await waitFor(() => readParagraphs(c.doc).length === 1, 'the same room sees it')
    expect(readParagraphs(b.doc)).toEqual([])
  })
})

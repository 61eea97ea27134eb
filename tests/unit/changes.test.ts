/**
 * `changesOf` resolves what an update changes and `rootsTouched` names its roots: new items by their
 * parent or neighbour, deletions by the items they remove.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { inspectUpdate } from '../../server/sync/inspectUpdate.ts'
import { changesOf, rootsTouched } from '../../server/sync/changes.ts'
import { getBody, getClauses, getMeta } from '../../shared/ydoc/schema.ts'

/** A client doc and a server doc; `change` returns the roots the client's change touched on the server. */
function setup() {
  const server = new Y.Doc()
  const client = new Y.Doc()
  const change = (edit: () => void): string[] => {
    const before = Y.encodeStateVector(client)
    edit()
    const update = Y.encodeStateAsUpdate(client, before)
    const roots = rootsTouched(server, inspectUpdate(update, (c) => Y.getState(server.store, c)))
    Y.applyUpdate(server, update)
    return [...roots].sort()
  }
  return { client, change }
}

describe('changesOf and rootsTouched', () => {
  it('names body for a new paragraph, typed text, deleted text, formatting and a removed paragraph', () => {
    const { client, change } = setup()
    const body = getBody(client)
    const text = () => (body.get(0) as Y.XmlElement).get(0) as Y.XmlText
    expect(change(() => {
      const p = new Y.XmlElement('paragraph')
      p.insert(0, [new Y.XmlText('The provider shall')])
      body.insert(0, [p])
    })).toEqual(['body'])
    expect(change(() => text().insert(4, 'Registered '))).toEqual(['body'])
    expect(change(() => text().delete(0, 4))).toEqual(['body'])
    expect(change(() => text().format(0, 5, { bold: true }))).toEqual(['body'])
    expect(change(() => body.delete(0, 1))).toEqual(['body'])
  })

  it('reports nothing for text typed into a paragraph the document has deleted and garbage-collected', () => {
    const server = new Y.Doc()
    const p = new Y.XmlElement('paragraph')
    p.insert(0, [new Y.XmlText('The provider shall')])
    getBody(server).insert(0, [p])
    const typist = new Y.Doc()
    Y.applyUpdate(typist, Y.encodeStateAsUpdate(server))
    // A colleague removes the paragraph first; the server collects its contents.
    getBody(server).delete(0, 1)
    const before = Y.encodeStateVector(typist)
    ;((getBody(typist).get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(4, 'Registered ')
    const update = Y.encodeStateAsUpdate(typist, before)
    expect(changesOf(server, inspectUpdate(update, (c) => Y.getState(server.store, c)))).toEqual([])
    Y.applyUpdate(server, update)
    expect(getBody(server).length).toBe(0)
  })

  it('names meta and clauses for map changes, and any other root by its name', () => {
    const { client, change } = setup()
    expect(change(() => getMeta(client).set('title', 'National Framework Contract'))).toEqual(['meta'])
    expect(change(() => {
      getClauses(client).set('c1', { status: 'locked' })
      client.getMap('invented').set('a', 1)
    })).toEqual(['clauses', 'invented'])
    expect(change(() => getClauses(client).delete('c1'))).toEqual(['clauses'])
  })

  it('resolves a long chain of new paragraphs, each inserted after the one before (a large paste)', () => {
    const { client, change } = setup()
    const body = getBody(client)
    expect(change(() => {
      for (let i = 0; i < 3000; i++) {
        const p = new Y.XmlElement('paragraph')
        p.insert(0, [new Y.XmlText(`Paragraph ${i}`)])
        body.insert(i, [p])
      }
    })).toEqual(['body'])
  })

  it('tells which existing type contains each change, and whether it is directly in it', () => {
    const server = new Y.Doc()
    const client = new Y.Doc()
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.insert(0, [new Y.XmlText('The provider shall')])
    getBody(client).insert(0, [paragraph])
    Y.applyUpdate(server, Y.encodeStateAsUpdate(client))
    const serverParagraph = getBody(server).get(0) as Y.XmlElement
    const before = Y.encodeStateVector(client)
    client.transact(() => {
      ;(paragraph.get(0) as Y.XmlText).insert(0, 'Each ')
      paragraph.setAttribute('textAlign', 'left')
      const nested = new Y.XmlElement('paragraph')
      nested.insert(0, [new Y.XmlText('New')])
      getBody(client).insert(1, [nested])
    })
    const update = Y.encodeStateAsUpdate(client, before)
    const changes = changesOf(server, inspectUpdate(update, (c) => Y.getState(server.store, c)))
    const describe = changes.map((c) => [c.kind, c.container === getBody(server) ? 'body' : c.container === serverParagraph ? 'paragraph' : c.container === serverParagraph.get(0) ? 'text' : '?', c.isDirect, c.key])
    expect(describe).toEqual(expect.arrayContaining([
      ['insert', 'text', true, null],
      ['insert', 'paragraph', true, 'textAlign'],
      ['insert', 'body', true, null],
      ['insert', 'body', false, null],
    ]))
    // The new paragraph, its text and the text's content.
    expect(describe.filter(([, container]) => container === 'body')).toHaveLength(3)
    expect(describe).toHaveLength(5)
  })

  it('names nothing for an update the server already has', () => {
    const server = new Y.Doc()
    const client = new Y.Doc()
    getMeta(client).set('title', 'x')
    const update = Y.encodeStateAsUpdate(client)
    Y.applyUpdate(server, update)
    expect([...rootsTouched(server, inspectUpdate(update, (c) => Y.getState(server.store, c)))]).toEqual([])
  })
})

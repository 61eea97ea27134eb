/**
 * `rootsTouched` names the roots an update changes, for role checks: new items by their
 * parent or neighbour, deletions by the items they remove.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { inspectUpdate } from '../../server/sync/inspectUpdate.ts'
import { rootsTouched } from '../../server/sync/rootsTouched.ts'
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

describe('rootsTouched', () => {
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

  it('names meta and clauses for map changes, and any other root by its name', () => {
    const { client, change } = setup()
    expect(change(() => getMeta(client).set('title', 'National Framework Contract'))).toEqual(['meta'])
    expect(change(() => {
      getClauses(client).set('c1', { status: 'locked' })
      client.getMap('invented').set('a', 1)
    })).toEqual(['clauses', 'invented'])
    expect(change(() => getClauses(client).delete('c1'))).toEqual(['clauses'])
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

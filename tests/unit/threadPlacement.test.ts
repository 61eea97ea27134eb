/**
 * Where threads hang, judged against a document: anchors inside a paragraph or across two,
 * passages deleted in part or whole, paragraphs and clauses removed, sub-clauses, and anchors
 * that are not positions into the body at all.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { ThreadPlacement, decodeAnchorPosition } from '../../server/comments/ThreadPlacement.ts'
import { getBody, getMeta } from '../../shared/ydoc/schema.ts'

const encode = (position: Y.RelativePosition) => Buffer.from(Y.encodeRelativePosition(position)).toString('base64')

function block(name: string, text: string): Y.XmlElement {
  const element = new Y.XmlElement(name)
  element.insert(0, [new Y.XmlText(text)])
  return element
}

/** A clause element as the editor writes it: a heading, paragraphs, then sub-clauses. */
function clause(clauseId: string, heading: string, paragraphs: readonly string[], subclauses: readonly Y.XmlElement[] = []): Y.XmlElement {
  const element = new Y.XmlElement('clause')
  element.setAttribute('clauseId', clauseId)
  element.insert(0, [block('heading', heading), ...paragraphs.map((text) => block('paragraph', text)), ...subclauses])
  return element
}

/** A contract of clause A (two paragraphs, and sub-clause A1) and clause B. */
function contract(): Y.Doc {
  const doc = new Y.Doc()
  getBody(doc).insert(0, [
    clause('A', 'Definitions', ['The Child means the young person.', 'The Council means the placing authority.'], [clause('A1', 'Interpretation', ['Headings are for convenience only.'])]),
    clause('B', 'Purpose', ['The parties agree to work in partnership.']),
  ])
  return doc
}

/** The XmlText of the n-th paragraph of a clause's own blocks. */
function paragraphText(doc: Y.Doc, clauseId: string, n: number): Y.XmlText {
  const clauses: Y.XmlElement[] = []
  const visit = (node: unknown) => {
    if (!(node instanceof Y.XmlElement)) return
    if (node.nodeName === 'clause') clauses.push(node)
    node.toArray().forEach(visit)
  }
  getBody(doc).toArray().forEach(visit)
  const clause = clauses.find((c) => c.getAttribute('clauseId') === clauseId)!
  const paragraph = clause.toArray().filter((b) => b instanceof Y.XmlElement && b.nodeName === 'paragraph')[n] as Y.XmlElement
  return paragraph.get(0) as Y.XmlText
}

function anchor(fromText: Y.XmlText, fromIndex: number, toText: Y.XmlText, toIndex: number) {
  return { from: encode(Y.createRelativePositionFromTypeIndex(fromText, fromIndex)), to: encode(Y.createRelativePositionFromTypeIndex(toText, toIndex, -1)) }
}

describe('ThreadPlacement', () => {
  it('finds clauses at any depth, and a whole-clause thread is detached only when its clause is gone', () => {
    const doc = contract()
    const placement = ThreadPlacement.of(doc)
    expect(['A', 'A1', 'B', 'C'].map((id) => placement.hasClause(id))).toEqual([true, true, true, false])
    expect(placement.place({ clauseId: 'A1', anchorFrom: null, anchorTo: null })).toEqual({ detached: false, clauseRemoved: false })
    expect(placement.place({ clauseId: 'C', anchorFrom: null, anchorTo: null })).toEqual({ detached: true, clauseRemoved: true })
  })

  it('keeps a passage across two paragraphs attached until everything between its ends is gone', () => {
    const doc = contract()
    const first = paragraphText(doc, 'A', 0)
    const second = paragraphText(doc, 'A', 1)
    const across = anchor(first, 4, second, 11)
    expect(ThreadPlacement.of(doc).isAttached(across)).toBe(true)
    first.delete(4, first.length - 4)
    expect(ThreadPlacement.of(doc).isAttached(across)).toBe(true)
    second.delete(0, 11)
    // Only the boundary between the two paragraphs lies between the ends now.
    expect(ThreadPlacement.of(doc).isAttached(across)).toBe(true)
    const inOne = anchor(second, 0, second, 5)
    second.delete(0, 5)
    expect(ThreadPlacement.of(doc).isAttached(inOne)).toBe(false)
  })

  it('detaches a passage whose paragraph or clause was deleted, never reporting a deleted type as live', () => {
    const doc = contract()
    const text = paragraphText(doc, 'B', 0)
    const passage = anchor(text, 4, text, 11)
    const thread = { clauseId: 'B', anchorFrom: passage.from, anchorTo: passage.to }
    expect(ThreadPlacement.of(doc).place(thread)).toEqual({ detached: false, clauseRemoved: false })
    getBody(doc).delete(1, 1)
    expect(ThreadPlacement.of(doc).place(thread)).toEqual({ detached: true, clauseRemoved: true })

    const again = contract()
    const paragraphs = getBody(again).get(1) as Y.XmlElement
    const gone = anchor(paragraphText(again, 'B', 0), 0, paragraphText(again, 'B', 0), 3)
    paragraphs.delete(1, 1)
    expect(ThreadPlacement.of(again).place({ clauseId: 'B', anchorFrom: gone.from, anchorTo: gone.to })).toEqual({ detached: true, clauseRemoved: false })
  })

  it('tells whether an anchor lies inside its innermost clause', () => {
    const doc = contract()
    const sub = paragraphText(doc, 'A1', 0)
    const inSub = anchor(sub, 0, sub, 8)
    const placement = ThreadPlacement.of(doc)
    expect(placement.isWithinClause(inSub, 'A1')).toBe(true)
    expect(placement.isWithinClause(inSub, 'A')).toBe(false)
    const across = anchor(paragraphText(doc, 'A', 0), 0, paragraphText(doc, 'B', 0), 3)
    expect(placement.isWithinClause(across, 'A')).toBe(false)
    // Text the server has not seen yet is not held against the anchor.
    const elsewhere = new Y.Doc()
    getBody(elsewhere).insert(0, [new Y.XmlText('unseen')])
    const unseenText = getBody(elsewhere).get(0) as Y.XmlText
    expect(placement.isWithinClause(anchor(unseenText, 0, unseenText, 3), 'A')).toBe(true)
    expect(placement.isAttached(anchor(unseenText, 0, unseenText, 3))).toBe(false)
  })

  it('decodes only exact relative positions into the body', () => {
    const doc = contract()
    const text = paragraphText(doc, 'B', 0)
    const good = encode(Y.createRelativePositionFromTypeIndex(text, 2))
    expect(decodeAnchorPosition(good)).not.toBeNull()
    expect(decodeAnchorPosition(encode(Y.createRelativePositionFromTypeIndex(getBody(doc), 0)))).not.toBeNull()
    expect(decodeAnchorPosition(encode(Y.createRelativePositionFromTypeIndex(getMeta(doc), 0)))).toBeNull()
    const extended = Buffer.concat([Buffer.from(good, 'base64'), Buffer.from([1, 2, 3])]).toString('base64')
    for (const bad of [extended, '', 'not base64!', 'AAAA', 42, null, 'A'.repeat(400)]) expect(decodeAnchorPosition(bad), String(bad)).toBeNull()
  })
})

// @vitest-environment happy-dom
/**
 * Comment anchors through real editors bound to Y.Docs: a passage becomes two encoded relative
 * positions and comes back as the same text, in the starter's editor and in a colleague's; it
 * follows edits made before it; and when the passage is deleted the anchor collapses, so the
 * thread reads as detached at once.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Editor } from '@tiptap/core'
import * as Y from 'yjs'
import { anchorOfRange, clauseAround, clausePlaces, isDetachedRange, passageInClause, quoteOf, rangeOfAnchor } from '../../client/features/comments/threadAnchors.ts'
import { getBody } from '../../shared/ydoc/schema.ts'
import { clauseElement, contractEditor } from '../helpers/contractEditor.ts'

const editors: Editor[] = []
afterEach(() => {
  for (const editor of editors.splice(0)) editor.destroy()
})

const author = { id: 'u-chair', name: 'Chris Chair', organisation: 'National Steering Group' }

function editorFor(doc: Y.Doc): Editor {
  const editor = contractEditor(doc, { author, isSuggesting: false, onRefused: () => {} })
  editors.push(editor)
  return editor
}

/** Two people's docs, kept in step as the server would. */
function twoDocs(): [Y.Doc, Y.Doc] {
  const a = new Y.Doc()
  const b = new Y.Doc()
  a.on('update', (update: Uint8Array, origin: unknown) => origin !== 'relay' && Y.applyUpdate(b, update, 'relay'))
  b.on('update', (update: Uint8Array, origin: unknown) => origin !== 'relay' && Y.applyUpdate(a, update, 'relay'))
  return [a, b]
}

function contract(doc: Y.Doc): void {
  getBody(doc).insert(0, [
    clauseElement('c-parties', 'Parties', 'The council and the provider.'),
    clauseElement('c-fees', 'Fees', 'The Council will pay the weekly fee within 30 days.'),
  ])
}

/** The range of the first occurrence of `text` in the editor's document. */
function rangeOf(editor: Editor, text: string): { from: number; to: number } {
  let found: { from: number; to: number } | null = null
  editor.state.doc.descendants((node, pos) => {
    if (found === null && node.isText && node.text!.includes(text)) {
      const from = pos + node.text!.indexOf(text)
      found = { from, to: from + text.length }
    }
    return found === null
  })
  if (found === null) throw new Error(`"${text}" is not in the document`)
  return found
}

describe('comment anchors', () => {
  it('a passage’s anchor resolves to the same text, in the starter’s editor and a colleague’s', () => {
    const [docA, docB] = twoDocs()
    contract(docA)
    const a = editorFor(docA)
    const b = editorFor(docB)
    const passage = rangeOf(a, 'weekly fee')
    const anchor = anchorOfRange(a.state, passage)
    expect(anchor).not.toBeNull()
    expect(anchor!.from).toMatch(/^[A-Za-z0-9+/]+=*$/)
    expect(Y.decodeRelativePosition(Uint8Array.from(atob(anchor!.from), (c) => c.charCodeAt(0)))).toBeInstanceOf(Y.RelativePosition)
    for (const editor of [a, b]) {
      const range = rangeOfAnchor(editor.state, anchor!)
      expect(range).not.toBeNull()
      expect(isDetachedRange(range)).toBe(false)
      expect(quoteOf(editor.state.doc, range!)).toBe('weekly fee')
    }
  })

  it('follows text typed before the passage by someone else', () => {
    const [docA, docB] = twoDocs()
    contract(docA)
    const a = editorFor(docA)
    const b = editorFor(docB)
    const anchor = anchorOfRange(a.state, rangeOf(a, 'weekly fee'))!
    b.chain().setTextSelection(rangeOf(b, 'The Council').from).insertContent('Each month, ').run()
    expect(a.state.doc.textContent).toContain('Each month, The Council')
    const range = rangeOfAnchor(a.state, anchor)!
    expect(range.from).toBe(rangeOf(a, 'weekly fee').from)
    expect(quoteOf(a.state.doc, range)).toBe('weekly fee')
  })

  it('collapses when the passage is deleted, so the thread is detached', () => {
    const [docA, docB] = twoDocs()
    contract(docA)
    const a = editorFor(docA)
    const b = editorFor(docB)
    const anchor = anchorOfRange(a.state, rangeOf(a, 'weekly fee'))!
    b.chain().deleteRange(rangeOf(b, 'pay the weekly fee ')).run()
    expect(a.state.doc.textContent).toContain('The Council will within 30 days')
    expect(isDetachedRange(rangeOfAnchor(a.state, anchor))).toBe(true)
    expect(isDetachedRange(rangeOfAnchor(b.state, anchor))).toBe(true)
  })

  it('collapses when the deleted passage starts like the text after it (no character of it survives)', () => {
    const [docA, docB] = twoDocs()
    contract(docA)
    const a = editorFor(docA)
    const b = editorFor(docB)
    // "weekly fee " is followed by "within": a diff of the two strings would keep the first "w".
    const anchor = anchorOfRange(a.state, rangeOf(a, 'weekly fee '))!
    b.chain().deleteRange(rangeOf(b, 'weekly fee ')).run()
    expect(a.state.doc.textContent).toContain('The Council will pay the within 30 days')
    expect(isDetachedRange(rangeOfAnchor(a.state, anchor))).toBe(true)
    expect(isDetachedRange(rangeOfAnchor(b.state, anchor))).toBe(true)
  })

  it('is detached when its whole clause is deleted', () => {
    const doc = new Y.Doc()
    contract(doc)
    const editor = editorFor(doc)
    const anchor = anchorOfRange(editor.state, rangeOf(editor, 'weekly fee'))!
    const fees = clausePlaces(editor.state.doc).get('c-fees')!
    editor.chain().deleteRange({ from: fees.pos, to: fees.end }).run()
    expect(clausePlaces(editor.state.doc).has('c-fees')).toBe(false)
    expect(isDetachedRange(rangeOfAnchor(editor.state, anchor))).toBe(true)
  })

  it('names the clause around a selection and cuts the passage to it', () => {
    const doc = new Y.Doc()
    contract(doc)
    const editor = editorFor(doc)
    const start = rangeOf(editor, 'the provider').from
    expect(clauseAround(editor.state.doc, start)?.clauseId).toBe('c-parties')
    const across = passageInClause(editor.state.doc, { from: start, to: rangeOf(editor, 'weekly').to })!
    expect(across.clauseId).toBe('c-parties')
    expect(quoteOf(editor.state.doc, across.range)).toBe('the provider.')
    const places = [...clausePlaces(editor.state.doc).values()]
    expect(places.map((place) => [place.number, place.heading])).toEqual([
      ['1', 'Parties'],
      ['2', 'Fees'],
    ])
  })
})

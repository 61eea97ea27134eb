// @vitest-environment happy-dom
/**
 * The commented passages drawn on a real editor bound to a Y.Doc: open threads highlighted at
 * their passage, the active one more strongly, resolved ones not at all; a highlight follows
 * text typed before it and disappears when a colleague deletes its passage; the active
 * whole-clause thread marks its clause; a draft's passage is drawn while it is written.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Editor } from '@tiptap/core'
import Collaboration from '@tiptap/extension-collaboration'
import * as Y from 'yjs'
import { CommentHighlights, type HighlightedThread, showCommentHighlights } from '../../client/editor/CommentHighlights.ts'
import { anchorOfRange } from '../../client/features/comments/threadAnchors.ts'
import { contractExtensions } from '../../shared/editor/extensions.ts'
import { getBody } from '../../shared/ydoc/schema.ts'
import { clauseElement } from '../helpers/contractEditor.ts'

const editors: Editor[] = []
afterEach(() => {
  for (const editor of editors.splice(0)) editor.destroy()
})

function editorFor(doc: Y.Doc, onActivate: (id: string) => void = () => {}): Editor {
  const editor = new Editor({
    element: document.createElement('div'),
    extensions: [...contractExtensions(), Collaboration.configure({ fragment: getBody(doc) }), CommentHighlights.configure({ onActivate })],
  })
  editors.push(editor)
  return editor
}

/** Two people's docs, kept in step as the server would. */
function twoDocs(): [Y.Doc, Y.Doc] {
  const a = new Y.Doc()
  const b = new Y.Doc()
  a.on('update', (update: Uint8Array, origin: unknown) => origin !== 'relay' && Y.applyUpdate(b, update, 'relay'))
  b.on('update', (update: Uint8Array, origin: unknown) => origin !== 'relay' && Y.applyUpdate(a, update, 'relay'))
  getBody(a).insert(0, [
    clauseElement('c-parties', 'Parties', 'The council and the provider.'),
    clauseElement('c-fees', 'Fees', 'The Council will pay the weekly fee within 30 days.'),
  ])
  return [a, b]
}

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

function thread(editor: Editor, id: string, text: string | null, fields: Partial<HighlightedThread> = {}): HighlightedThread {
  return { id, clauseId: 'c-fees', anchor: text === null ? null : anchorOfRange(editor.state, rangeOf(editor, text)), isResolved: false, ...fields }
}

/** The highlighted texts in the editor's DOM, with their classes. */
function drawn(editor: Editor): Array<[string, string]> {
  return [...editor.view.dom.querySelectorAll('.comment-highlight')].map((element) => [element.textContent ?? '', element.className])
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 120))

describe('comment highlights', () => {
  it('draws open threads, the active one more strongly, and no resolved one', () => {
    const [doc] = twoDocs()
    const editor = editorFor(doc)
    const threads = [
      thread(editor, 't-fee', 'weekly fee'),
      thread(editor, 't-days', '30 days'),
      thread(editor, 't-done', 'The council', { clauseId: 'c-parties', isResolved: true }),
    ]
    showCommentHighlights(editor.view, { threads, activeId: 't-days', draft: null })
    expect(drawn(editor)).toEqual([
      ['weekly fee', 'comment-highlight'],
      ['30 days', 'comment-highlight is-active'],
    ])
    expect(editor.view.dom.querySelector('[data-thread-id="t-fee"]')?.textContent).toBe('weekly fee')
  })

  it('follows text typed before the passage, and drops it when a colleague deletes the passage', async () => {
    const [docA, docB] = twoDocs()
    const a = editorFor(docA)
    const b = editorFor(docB)
    showCommentHighlights(a.view, { threads: [thread(a, 't-fee', 'weekly fee')], activeId: null, draft: null })
    a.chain().setTextSelection(rangeOf(a, 'The Council').from).insertContent('Each month, ').run()
    await settle()
    expect(drawn(a)).toEqual([['weekly fee', 'comment-highlight']])
    b.chain().deleteRange(rangeOf(b, 'pay the weekly fee ')).run()
    await settle()
    expect(a.state.doc.textContent).toContain('will within 30 days')
    expect(drawn(a)).toEqual([])
  })

  it('marks the clause of the active whole-clause thread, and draws a draft’s passage', () => {
    const [doc] = twoDocs()
    const editor = editorFor(doc)
    showCommentHighlights(editor.view, { threads: [thread(editor, 't-clause', null)], activeId: 't-clause', draft: null })
    const marked = [...editor.view.dom.querySelectorAll('.comment-clause-active')]
    expect(marked).toHaveLength(1)
    expect(marked[0]!.getAttribute('data-clause-id')).toBe('c-fees')
    const draft = anchorOfRange(editor.state, rangeOf(editor, 'the provider'))
    showCommentHighlights(editor.view, { threads: [], activeId: null, draft })
    expect(drawn(editor)).toEqual([['the provider', 'comment-highlight is-active is-draft']])
  })
})

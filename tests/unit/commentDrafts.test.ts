// @vitest-environment happy-dom
/**
 * What a new thread hangs on, worked out from a real editor bound to a Y.Doc: the selected
 * passage in its clause (anchored, quoted), the clause around a bare cursor, a whole clause, and
 * a tracked suggestion's text; and the reasons given when there is nothing to comment on.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Editor } from '@tiptap/core'
import * as Y from 'yjs'
import { type DraftResult, type ThreadDraft, draftForClause, draftForSuggestion, draftFromSelection } from '../../client/features/comments/threadDrafts.ts'
import { quoteOf, rangeOfAnchor } from '../../client/features/comments/threadAnchors.ts'
import { reviewEntries } from '../../client/features/suggestions/reviewEntries.ts'
import { getBody } from '../../shared/ydoc/schema.ts'
import { clauseElement, contractEditor } from '../helpers/contractEditor.ts'

const editors: Editor[] = []
afterEach(() => {
  for (const editor of editors.splice(0)) editor.destroy()
})

function editorOn(isSuggesting = false): Editor {
  const doc = new Y.Doc()
  getBody(doc).insert(0, [
    clauseElement('c-parties', 'Parties', 'The council and the provider.'),
    clauseElement('c-fees', 'Fees', 'The Council will pay the weekly fee within 30 days.'),
  ])
  const editor = contractEditor(doc, { author: { id: 'u-provider', name: 'Priya Provider', organisation: 'Northern Care' }, isSuggesting, onRefused: () => {} })
  editors.push(editor)
  return editor
}

function positionOf(editor: Editor, text: string): number {
  let found = -1
  editor.state.doc.descendants((node, pos) => {
    if (found < 0 && node.isText && node.text!.includes(text)) found = pos + node.text!.indexOf(text)
    return found < 0
  })
  if (found < 0) throw new Error(`"${text}" is not in the document`)
  return found
}

function draftOf(result: DraftResult): ThreadDraft {
  if ('problem' in result) throw new Error(`No draft: ${result.problem}`)
  return result.draft
}

describe('starting a thread', () => {
  it('on a selected passage: its clause, its quote, and an anchor that finds it again', () => {
    const editor = editorOn()
    const from = positionOf(editor, 'weekly fee')
    editor.commands.setTextSelection({ from, to: from + 'weekly fee'.length })
    const draft = draftOf(draftFromSelection(editor.state))
    expect(draft.clauseId).toBe('c-fees')
    expect(draft.quote).toBe('weekly fee')
    expect(draft.suggestionId).toBeNull()
    expect(quoteOf(editor.state.doc, rangeOfAnchor(editor.state, draft.anchor!)!)).toBe('weekly fee')
  })

  it('with only a cursor: on the whole clause around it', () => {
    const editor = editorOn()
    editor.commands.setTextSelection(positionOf(editor, 'provider'))
    const draft = draftOf(draftFromSelection(editor.state))
    expect(draft).toMatchObject({ clauseId: 'c-parties', anchor: null, quote: '', suggestionId: null })
  })

  it('on a whole clause, or not at all when the clause is gone', () => {
    const editor = editorOn()
    expect(draftOf(draftForClause(editor.state, 'c-fees'))).toMatchObject({ clauseId: 'c-fees', anchor: null, quote: '' })
    expect(draftForClause(editor.state, 'c-nowhere')).toEqual({ problem: 'That clause is no longer in the contract.' })
  })

  it('refuses a selection of nothing but white space', () => {
    const editor = editorOn()
    const from = positionOf(editor, ' the provider')
    editor.commands.setTextSelection({ from, to: from + 1 })
    expect(draftFromSelection(editor.state)).toHaveProperty('problem')
  })

  it('on a tracked suggestion: anchored on its text, naming it', () => {
    const editor = editorOn(true)
    editor.chain().setTextSelection(positionOf(editor, 'within')).insertContent('net ').run()
    const [suggestion] = reviewEntries(editor.state.doc)
    expect(suggestion?.inserted).toBe('net ')
    const draft = draftOf(draftForSuggestion(editor.state, suggestion!.id))
    expect(draft).toMatchObject({ clauseId: 'c-fees', quote: 'net ', suggestionId: suggestion!.id })
    expect(quoteOf(editor.state.doc, rangeOfAnchor(editor.state, draft.anchor!)!)).toBe('net ')
    expect(draftForSuggestion(editor.state, 'no-such-suggestion')).toHaveProperty('problem')
  })

  it('on a clause proposed for deletion: the whole clause, naming the suggestion', () => {
    const doc = new Y.Doc()
    const proposed = clauseElement('c-term', 'Term', 'Three years.')
    proposed.setAttribute('deletion', { id: 's-delete-term' } as unknown as string)
    getBody(doc).insert(0, [clauseElement('c-parties', 'Parties', 'The council and the provider.'), proposed])
    const editor = contractEditor(doc, { author: { id: 'u-provider', name: 'Priya Provider', organisation: 'Northern Care' }, isSuggesting: false, onRefused: () => {} })
    editors.push(editor)
    expect(draftOf(draftForSuggestion(editor.state, 's-delete-term'))).toMatchObject({ clauseId: 'c-term', anchor: null, quote: '', suggestionId: 's-delete-term' })
  })
})

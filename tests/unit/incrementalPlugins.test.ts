// @vitest-environment happy-dom
/**
 * What keeps typing fast in a long contract: a change confined to one paragraph's text is found
 * by comparing the documents (`textblockEdit`), and the plugins drawing numbers, locks and
 * suggestions update only that paragraph's part of their state. The shortcut must give exactly
 * what the full computation gives: after every random edit, by the person or by a colleague,
 * each plugin's state is compared with the same plugin's state computed afresh from the
 * document, and each editor with its shared document drawn afresh.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Editor } from '@tiptap/core'
import { getSchema } from '@tiptap/core'
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import { EditorState, TextSelection } from '@tiptap/pm/state'
import type { DecorationSet } from '@tiptap/pm/view'
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap'
import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { contractExtensions } from '../../shared/editor/extensions.ts'
import { textblockEdit } from '../../shared/editor/textblockEdit.ts'
import { getBody, setClauseStatus } from '../../shared/ydoc/schema.ts'
import { clauseElement, contractEditor } from '../helpers/contractEditor.ts'

const RELAYED = Symbol('relayed')

const editors: Editor[] = []
afterEach(() => {
  for (const editor of editors.splice(0)) editor.destroy()
})

describe('textblockEdit', () => {
  const schema = getSchema(contractExtensions())
  const paragraph = (text: string) => schema.node('paragraph', null, text ? [schema.text(text)] : [])
  const clause = (id: string, ...paragraphs: string[]) => schema.node('clause', { clauseId: id }, [schema.node('heading', { level: 2 }, [schema.text(id)]), ...paragraphs.map(paragraph)])
  const doc = (...clauses: ProseMirrorNode[]) => schema.node('doc', null, clauses)

  it('finds a change inside one paragraph, with a map of positions and the paragraph’s place', () => {
    const before = doc(clause('a', 'Paid monthly.'), clause('b', 'In writing.'))
    const after = doc(clause('a', 'Paid weekly.'), clause('b', 'In writing.'))
    const edit = textblockEdit(before, after)!
    expect(edit).not.toBeNull()
    expect(after.nodeAt(edit.from)?.textContent).toBe('Paid weekly.')
    expect(edit.to - edit.from).toBe(after.nodeAt(edit.from)!.nodeSize)
    // Positions after the change move by its length; those before stay.
    const writing = (d: ProseMirrorNode) => {
      let found = -1
      d.descendants((node, pos) => {
        if (node.isText && node.text === 'In writing.') found = pos
        return found < 0
      })
      return found
    }
    expect(edit.map.map(writing(before))).toBe(writing(after))
    expect(edit.map.map(3)).toBe(3)
  })

  it('settles a character typed next to an equal one, and finds nothing when nothing changed', () => {
    const edit = textblockEdit(doc(clause('a', 'Paid aa.')), doc(clause('a', 'Paid aaa.')))
    expect(edit).not.toBeNull()
    expect(edit!.map.map(doc(clause('a', 'Paid aa.')).content.size)).toBe(doc(clause('a', 'Paid aaa.')).content.size)
    expect(textblockEdit(doc(clause('a', 'Same.')), doc(clause('a', 'Same.')))).toBeNull()
  })

  it('finds nothing for a paragraph split or joined, a clause added, or two paragraphs changed', () => {
    expect(textblockEdit(doc(clause('a', 'One two.')), doc(clause('a', 'One', ' two.')))).toBeNull()
    expect(textblockEdit(doc(clause('a', 'One', ' two.')), doc(clause('a', 'One two.')))).toBeNull()
    expect(textblockEdit(doc(clause('a', 'One.')), doc(clause('a', 'One.'), clause('b', 'Two.')))).toBeNull()
    expect(textblockEdit(doc(clause('a', 'One.', 'Two.')), doc(clause('a', 'Uno.', 'Dos.')))).toBeNull()
  })
})

/** Every decoration of `set`, as plain data, in order. */
function plain(set: DecorationSet | undefined, doc: ProseMirrorNode): unknown[] {
  return (set?.find(0, doc.content.size) ?? [])
    .map((decoration) => {
      const { from, to } = decoration
      const spec = decoration as unknown as { type: { attrs?: unknown; toDOM?: unknown; side?: number; spec?: unknown } }
      const widget = typeof spec.type.toDOM === 'function' ? (spec.type.toDOM as () => HTMLElement)() : null
      return { from, to, attrs: spec.type.attrs ?? null, widget: widget?.outerHTML ?? null }
    })
    .sort((a, b) => a.from - b.from || a.to - b.to || JSON.stringify(a).localeCompare(JSON.stringify(b)))
}

/** Each plugin state of `editor` that is (or holds) decorations, as plain data, by plugin key. */
function decorationStates(state: EditorState): Record<string, unknown> {
  const states: Record<string, unknown> = {}
  for (const plugin of state.plugins) {
    const key = (plugin as unknown as { key: string }).key
    if (!/^(clauseNumbering|clauseLocking|suggestionHighlights)\$/.test(key)) continue
    const value = plugin.getState(state) as DecorationSet | { locked: unknown; decorations: DecorationSet }
    states[key] = 'locked' in value ? { locked: value.locked, decorations: plain(value.decorations, state.doc) } : plain(value, state.doc)
  }
  return states
}

/** The same plugins' states computed from scratch for `state`'s document. */
function freshDecorationStates(state: EditorState): Record<string, unknown> {
  return decorationStates(EditorState.create({ doc: state.doc, plugins: state.plugins, selection: TextSelection.create(state.doc, 1) }))
}

describe('plugin states kept up to date by the paragraph that changed', () => {
  it('equal the states computed afresh after every random edit, typed here or by a colleague', async () => {
    const mine = new Y.Doc()
    const theirs = new Y.Doc()
    mine.on('update', (update: Uint8Array, origin: unknown) => origin !== RELAYED && Y.applyUpdate(theirs, update, RELAYED))
    theirs.on('update', (update: Uint8Array, origin: unknown) => origin !== RELAYED && Y.applyUpdate(mine, update, RELAYED))
    const clauses = Array.from({ length: 6 }, (_, i) => clauseElement(`c${i}`, `Clause ${i}`, `First paragraph of clause ${i}.`, `Second paragraph of clause ${i}.`))
    getBody(mine).insert(0, clauses)
    const author = (id: string) => ({ id, name: id, organisation: '' })
    const me = contractEditor(mine, { author: author('me'), isSuggesting: false, onRefused: () => {} })
    const colleague = contractEditor(theirs, { author: author('colleague'), isSuggesting: true, onRefused: () => {} })
    editors.push(me, colleague)
    // The plugins watch clause statuses from a moment after the editors are made.
    await new Promise((resolve) => setTimeout(resolve, 0))
    setClauseStatus(mine, 'c2', 'locked')

    const random = prng.create(7)
    for (let step = 0; step < 300; step++) {
      const editor = prng.bool(random) ? me : colleague
      const paragraphs: Array<{ from: number; to: number }> = []
      editor.state.doc.descendants((node, pos) => {
        if (node.type.name === 'paragraph') paragraphs.push({ from: pos + 1, to: pos + 1 + node.content.size })
        return !node.isTextblock
      })
      const { from, to } = prng.oneOf(random, paragraphs)
      const at = prng.int32(random, from, to)
      const tr = editor.state.tr.setSelection(TextSelection.create(editor.state.doc, at))
      const what = prng.int32(random, 0, 9)
      // Now and then a paragraph is broken in two (by the suggester, as a suggested break).
      if (what === 0 && at > from && at < to) tr.split(at)
      else if (what <= 3 && at > from) tr.delete(at - 1, at)
      else tr.insertText(prng.word(random, 1, 4), at)
      editor.view.dispatch(tr)
      // A new suggestion's record is drawn a moment later (see SuggestionHighlights.ts).
      await Promise.resolve()
      const where = `step ${step}`
      for (const each of [me, colleague]) expect(decorationStates(each.state), where).toEqual(freshDecorationStates(each.state))
      expect(colleague.getJSON(), where).toEqual(me.getJSON())
      // What each editor shows is what its shared document holds, drawn afresh.
      for (const [editor, doc] of [[me, mine], [colleague, theirs]] as const) {
        expect(editor.state.doc.eq(yXmlFragmentToProseMirrorRootNode(getBody(doc), editor.schema)), where).toBe(true)
      }
    }
    // Some of it was suggested, and some was refused in the locked clause: both were exercised.
    expect(JSON.stringify(colleague.getJSON())).toContain('"insertion"')
  })
})

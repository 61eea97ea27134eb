// @vitest-environment happy-dom
/**
 * Suggesting mode with two people, each with a real editor bound to their own copy of the
 * contract, kept in step as the sync server would: what a suggester types, deletes or replaces
 * becomes their own tracked suggestion, recorded under their name; a colleague's editor draws
 * it without making suggestions of its own from it; a reviewer accepts or rejects it. Every
 * update the suggester's editor sends is first judged by the server's own rules for a
 * suggester, so that what the editor writes is what the server accepts.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Editor } from '@tiptap/core'
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import { TextSelection } from '@tiptap/pm/state'
import { yUndoPluginKey } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { type SuggestionRecord, clientOfSuggestion } from '../../shared/domain/suggestions.ts'
import { LOCKED_CLAUSE_MESSAGE } from '../../shared/editor/ClauseLocking.ts'
import { getBody, getSuggestions, setClauseStatus } from '../../shared/ydoc/schema.ts'
import type { SuggestionAuthor } from '../../client/editor/SuggestChanges.ts'
import { SUGGESTION_REFUSAL } from '../../client/editor/suggestionTransaction.ts'
import { validateByRole } from '../../server/auth/memberPolicy.ts'
import type { UserId } from '../../shared/domain/ids.ts'
import { clauseElement, contractEditor } from '../helpers/contractEditor.ts'
import { contextFor } from '../helpers/refereeContext.ts'

/** The origin of updates copied from the other person's doc: not theirs to undo, not to send back. */
const RELAYED = Symbol('relayed')

const PROVIDER: SuggestionAuthor = { id: 'user-provider', name: 'Pat Provider', organisation: 'Sunrise Homes' }
const CHAIR: SuggestionAuthor = { id: 'user-chair', name: 'Chris Chair', organisation: 'Steering Group' }

const editors: Editor[] = []
afterEach(() => {
  for (const editor of editors.splice(0)) editor.destroy()
})

/** A person at their editor, with the messages their editor gave them. */
interface Person {
  editor: Editor
  doc: Y.Doc
  refusals: string[]
  /** Why the server's rules refused an update of theirs (the update then went no further). */
  refusedByServer: string[]
}

function personFor(doc: Y.Doc, author: SuggestionAuthor, isSuggesting: boolean): Person {
  const refusals: string[] = []
  const editor = contractEditor(doc, { author, isSuggesting, onRefused: (message) => refusals.push(message) })
  editors.push(editor)
  return { editor, doc, refusals, refusedByServer: [] }
}

/**
 * The provider (suggesting) and the chair (an owner, also in Suggesting mode unless said
 * otherwise, so that a remote change reaches an editor that would track its own edits), with
 * a small contract written before either editor opens. The chair's doc stands for the server's:
 * each of the provider's updates reaches it only if the server's rules accept it.
 */
function providerAndChair({ chairSuggests = true, more = [] as Y.XmlElement[] } = {}) {
  const providerDoc = new Y.Doc()
  const chairDoc = new Y.Doc()
  getBody(chairDoc).insert(0, [
    clauseElement('term', 'Term', 'Three years.'),
    clauseElement('fees', 'Fees', 'Paid monthly in arrears.'),
    clauseElement('notices', 'Notices', 'In writing.'),
    ...more,
  ])
  Y.applyUpdate(providerDoc, Y.encodeStateAsUpdate(chairDoc), RELAYED)
  const provider = personFor(providerDoc, PROVIDER, true)
  const chair = personFor(chairDoc, CHAIR, chairSuggests)
  const principal = { userId: PROVIDER.id as UserId, name: PROVIDER.name, organisation: PROVIDER.organisation }
  providerDoc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === RELAYED) return
    try {
      validateByRole(contextFor(chairDoc, update, 'suggester', principal, new Set([providerDoc.clientID])))
    } catch (error) {
      provider.refusedByServer.push(String(error))
      return
    }
    Y.applyUpdate(chairDoc, update, RELAYED)
  })
  chairDoc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== RELAYED) Y.applyUpdate(providerDoc, update, RELAYED)
  })
  return { provider, chair }
}

/** The position `offset` characters into the first text node containing `text` at its start. */
function positionOf(editor: Editor, text: string, offset = 0): number {
  let found = -1
  editor.state.doc.descendants((node, pos) => {
    if (found >= 0 || !node.isText) return found < 0
    const at = node.text!.indexOf(text)
    if (at >= 0) found = pos + at + offset
    return false
  })
  expect(found, `"${text}" in the document`).toBeGreaterThanOrEqual(0)
  return found
}

/**
 * Types `typed` at `pos` one character at a time, as at the keyboard, the first replacing the
 * `to - pos` characters selected when `to` is given.
 */
function type(editor: Editor, pos: number, typed: string, to = pos): void {
  editor.commands.setTextSelection({ from: pos, to })
  for (const character of typed) editor.view.dispatch(editor.state.tr.insertText(character))
}

/**
 * Presses `key` as the keyboard does: the editor's key handlers, then (for Backspace and Delete
 * in the middle of text, which no handler takes) the browser's removal of one character.
 */
function press(editor: Editor, key: 'Backspace' | 'Delete' | 'Enter'): void {
  const { view } = editor
  if (view.someProp('handleKeyDown', (handle) => handle(view, new KeyboardEvent('keydown', { key })))) return
  const { from, empty } = view.state.selection
  if (!empty || key === 'Enter') return
  view.dispatch(key === 'Backspace' ? view.state.tr.delete(from - 1, from) : view.state.tr.delete(from, from + 1))
}

/** Deletes the first occurrence of `text`, as selecting it and pressing Delete would. */
function deleteText(editor: Editor, text: string): void {
  const from = positionOf(editor, text)
  editor.commands.setTextSelection({ from, to: from + text.length })
  editor.view.dispatch(editor.state.tr.deleteSelection())
}

/** The paragraphs' text, with suggestions shown as [+inserted] and [-deleted] (and [±both], a paragraph mark proposed for deletion). */
function marked(doc: ProseMirrorNode): string[] {
  const paragraphs: string[] = []
  doc.descendants((node) => {
    if (node.type.name !== 'paragraph') return true
    let text = ''
    node.forEach((child) => {
      const names = child.marks.map((mark) => mark.type.name)
      const content = child.text ?? ''
      const [inserted, deleted] = [names.includes('insertion'), names.includes('deletion')]
      text += inserted && deleted ? `[±${content}]` : inserted ? `[+${content}]` : deleted ? `[-${content}]` : content
    })
    paragraphs.push(text)
    return false
  })
  return paragraphs
}

/** Every suggestion mark's id in `doc`, by kind. */
function idsIn(doc: ProseMirrorNode): { insertion: string[]; deletion: string[] } {
  const ids = { insertion: new Set<string>(), deletion: new Set<string>() }
  doc.descendants((node) => {
    for (const mark of node.marks) {
      if (mark.type.name === 'insertion' || mark.type.name === 'deletion') ids[mark.type.name].add(mark.attrs.id as string)
    }
    return true
  })
  return { insertion: [...ids.insertion], deletion: [...ids.deletion] }
}

/** The Yjs delta of the paragraph of the clause `clauseId`. */
function paragraphDelta(doc: Y.Doc, clauseId: string): Array<{ insert: string; attributes?: Record<string, unknown> }> {
  const element = getBody(doc)
    .toArray()
    .find((child) => child instanceof Y.XmlElement && child.getAttribute('clauseId') === clauseId) as Y.XmlElement
  const paragraph = element.get(1) as Y.XmlElement
  return (paragraph.get(0) as Y.XmlText).toDelta()
}

function undoManagerOf(editor: Editor): Y.UndoManager {
  return (yUndoPluginKey.getState(editor.state) as { undoManager: Y.UndoManager }).undoManager
}

function expectInStep(a: Person, b: Person): void {
  expect(a.refusedByServer).toEqual([])
  expect(b.refusedByServer).toEqual([])
  expect(getBody(b.doc).toString()).toBe(getBody(a.doc).toString())
  expect(b.editor.getJSON()).toEqual(a.editor.getJSON())
  expect(getSuggestions(b.doc).toJSON()).toEqual(getSuggestions(a.doc).toJSON())
}

describe('suggesting', () => {
  it("marks typing, deleting and replacing as the suggester's own suggestions, recorded under their name, and seen by a colleague", () => {
    const { provider, chair } = providerAndChair()
    const before = Date.now()
    type(provider.editor, positionOf(provider.editor, 'Three years.', 'Three years.'.length), ' Renewable once.')
    undoManagerOf(provider.editor).stopCapturing()
    deleteText(provider.editor, 'monthly ')
    undoManagerOf(provider.editor).stopCapturing()
    const writing = positionOf(provider.editor, 'writing')
    type(provider.editor, writing, 'email', writing + 'writing'.length)

    const expected = ['Three years.[+ Renewable once.]', 'Paid [-monthly ]in arrears.', 'In [-writing][+email].']
    expect(marked(provider.editor.state.doc)).toEqual(expected)
    expect(marked(chair.editor.state.doc)).toEqual(expected)
    expect(provider.refusals).toEqual([])

    // Three suggestions, each with an id made from the provider's clientID; the replacement's
    // deletion and insertion share one.
    const ids = idsIn(provider.editor.state.doc)
    const all = new Set([...ids.insertion, ...ids.deletion])
    expect(all.size).toBe(3)
    for (const id of all) expect(clientOfSuggestion(id)).toBe(provider.doc.clientID)
    expect(ids.insertion.filter((id) => ids.deletion.includes(id))).toHaveLength(1)

    // Each is recorded under the provider's name, and the chair has the records too.
    const records = getSuggestions(chair.doc)
    expect([...records.keys()].sort()).toEqual([...all].sort())
    for (const id of all) {
      const record = records.get(id) as SuggestionRecord
      expect(record).toMatchObject({ authorId: PROVIDER.id, authorName: PROVIDER.name, organisation: PROVIDER.organisation })
      expect(record.createdAt).toBeGreaterThanOrEqual(before)
    }

    // The chair's editor, in Suggesting mode too, made no suggestion of its own from the change.
    const chairIds = idsIn(chair.editor.state.doc)
    for (const id of [...chairIds.insertion, ...chairIds.deletion]) expect(clientOfSuggestion(id)).not.toBe(chair.doc.clientID)
    for (const id of records.keys()) expect(clientOfSuggestion(id)).not.toBe(chair.doc.clientID)
    expectInStep(provider, chair)

    // In the shared document each mark is a formatting attribute named as the mark, holding { id }.
    const [typed] = ids.insertion.filter((id) => !ids.deletion.includes(id))
    expect(paragraphDelta(chair.doc, 'term')).toEqual([{ insert: 'Three years.' }, { insert: ' Renewable once.', attributes: { insertion: { id: typed } } }])
    const [deleted] = ids.deletion.filter((id) => !ids.insertion.includes(id))
    expect(paragraphDelta(chair.doc, 'fees')).toEqual([{ insert: 'Paid ' }, { insert: 'monthly ', attributes: { deletion: { id: deleted } } }, { insert: 'in arrears.' }])
    const [replaced] = ids.insertion.filter((id) => ids.deletion.includes(id))
    expect(paragraphDelta(chair.doc, 'notices')).toEqual([
      { insert: 'In ' },
      { insert: 'writing', attributes: { deletion: { id: replaced } } },
      { insert: 'email', attributes: { insertion: { id: replaced } } },
      { insert: '.' },
    ])
  })

  it('marks each character backspaced over as one deletion, moving the cursor back over it', () => {
    const { provider, chair } = providerAndChair()
    const { editor } = provider
    editor.commands.setTextSelection(positionOf(editor, 'in arrears.'))
    for (let i = 0; i < 'monthly '.length; i++) {
      const cursor = editor.state.selection.from
      editor.view.dispatch(editor.state.tr.delete(cursor - 1, cursor))
    }
    expect(marked(chair.editor.state.doc)[1]).toBe('Paid [-monthly ]in arrears.')
    expect(editor.state.selection.from).toBe(positionOf(editor, 'monthly '))
    expect(getSuggestions(chair.doc).size).toBe(1)
    expectInStep(provider, chair)
  })

  it('writes typed and removed characters where they were typed, even next to equal characters, so the server accepts them', () => {
    const { provider, chair } = providerAndChair()
    const { editor } = provider
    const monthly = positionOf(editor, 'monthly')
    type(editor, monthly, 'weekly', monthly + 'monthly'.length)
    // A space typed before a space, then taken back: the shared text could not tell them apart.
    type(editor, editor.state.selection.from, ' and')
    type(editor, editor.state.selection.from, ' ')
    const cursor = editor.state.selection.from
    editor.view.dispatch(editor.state.tr.delete(cursor - 1, cursor))
    expect(marked(chair.editor.state.doc)[1]).toBe('Paid [-monthly][+weekly and] in arrears.')
    expectInStep(provider, chair)

    // The provider withdraws it: their own text goes, the word they struck is kept.
    const [id] = idsIn(editor.state.doc).insertion
    expect(editor.commands.rejectSuggestion(id!)).toBe(true)
    expect(marked(chair.editor.state.doc)[1]).toBe('Paid monthly in arrears.')
    expect(getSuggestions(chair.doc).size).toBe(0)
    expectInStep(provider, chair)
  })

  it('marks the space typed before a space as the new one when the page reports the caret only after the typing', () => {
    const { provider, chair } = providerAndChair()
    const { editor } = provider
    // A key pressed right after a click: ProseMirror reads the typed space before the click's
    // selection, settles the ambiguous text diff on the later space and puts the caret, read
    // from the page, between the two.
    const afterThree = positionOf(editor, 'Three years.', 'Three'.length)
    editor.commands.setTextSelection(1)
    const typed = editor.state.tr.insertText(' ', afterThree + 1)
    editor.view.dispatch(typed.setSelection(TextSelection.create(typed.doc, afterThree + 1)))
    expect(editor.state.selection.from).toBe(afterThree + 1)
    for (const character of 'full') editor.view.dispatch(editor.state.tr.insertText(character))
    expect(marked(chair.editor.state.doc)[0]).toBe('Three[+ full] years.')
    expect(paragraphDelta(chair.doc, 'term').map(({ insert, attributes }) => [insert, attributes?.insertion !== undefined])).toEqual([
      ['Three', false],
      [' full', true],
      [' years.', false],
    ])
    expectInStep(provider, chair)
  })

  it('keeps the caret after typed text that replaced a selection the page reported only after the typing', () => {
    const { provider, chair } = providerAndChair()
    const { editor } = provider
    // Shift+arrow keys pressed just before typing: ProseMirror still has the caret where the
    // arrows started when it reads the typed character replacing the selected word.
    const monthly = positionOf(editor, 'monthly')
    editor.commands.setTextSelection(monthly + 'monthly'.length)
    const typed = editor.state.tr.insertText('w', monthly, monthly + 'monthly'.length)
    editor.view.dispatch(typed.setSelection(TextSelection.create(typed.doc, monthly + 1)))
    for (const character of 'eekly') editor.view.dispatch(editor.state.tr.insertText(character))
    expect(marked(chair.editor.state.doc)[1]).toBe('Paid [-monthly][+weekly] in arrears.')
    expect(editor.state.selection.from).toBe(positionOf(editor, ' in arrears.'))
    expectInStep(provider, chair)
  })

  it('lets a reviewer accept one suggestion and reject another, each removing its record, in both editors', () => {
    const { provider, chair } = providerAndChair({ chairSuggests: false })
    type(provider.editor, positionOf(provider.editor, 'Three years.', 'Three years.'.length), ' Renewable once.')
    undoManagerOf(provider.editor).stopCapturing()
    deleteText(provider.editor, 'monthly ')
    undoManagerOf(provider.editor).stopCapturing()
    const writing = positionOf(provider.editor, 'writing')
    type(provider.editor, writing, 'email', writing + 'writing'.length)
    const ids = idsIn(chair.editor.state.doc)
    const typed = ids.insertion.find((id) => !ids.deletion.includes(id))!
    const deleted = ids.deletion.find((id) => !ids.insertion.includes(id))!
    const replaced = ids.insertion.find((id) => ids.deletion.includes(id))!

    expect(chair.editor.commands.acceptSuggestion(typed)).toBe(true)
    expect(chair.editor.commands.rejectSuggestion(deleted)).toBe(true)
    const reviewed = ['Three years. Renewable once.', 'Paid monthly in arrears.', 'In [-writing][+email].']
    expect(marked(chair.editor.state.doc)).toEqual(reviewed)
    expect(marked(provider.editor.state.doc)).toEqual(reviewed)
    expect([...getSuggestions(provider.doc).keys()]).toEqual([replaced])

    expect(chair.editor.commands.acceptSuggestion(replaced)).toBe(true)
    expect(marked(provider.editor.state.doc)).toEqual(['Three years. Renewable once.', 'Paid monthly in arrears.', 'In email.'])
    expect(getSuggestions(provider.doc).size).toBe(0)
    expect(paragraphDelta(provider.doc, 'notices')).toEqual([{ insert: 'In email.' }])
    expectInStep(provider, chair)
    expect(chair.refusals).toEqual([])
  })

  it('undoes an accept in one step, bringing back the marks and the record', () => {
    const { provider, chair } = providerAndChair({ chairSuggests: false })
    type(provider.editor, positionOf(provider.editor, 'Three years.', 'Three years.'.length), ' Renewable once.')
    const [id] = idsIn(chair.editor.state.doc).insertion
    const record = getSuggestions(chair.doc).get(id!)

    expect(chair.editor.commands.acceptSuggestion(id!)).toBe(true)
    expect(marked(chair.editor.state.doc)[0]).toBe('Three years. Renewable once.')
    expect(chair.editor.commands.undo()).toBe(true)
    expect(marked(provider.editor.state.doc)[0]).toBe('Three years.[+ Renewable once.]')
    expect(getSuggestions(provider.doc).get(id!)).toEqual(record)
    expectInStep(provider, chair)
  })

  it("undoes the suggester's typing together with its record", () => {
    const { provider, chair } = providerAndChair()
    type(provider.editor, positionOf(provider.editor, 'Three years.', 'Three years.'.length), ' Renewable once.')
    expect(getSuggestions(chair.doc).size).toBe(1)
    expect(provider.editor.commands.undo()).toBe(true)
    expect(marked(chair.editor.state.doc)[0]).toBe('Three years.')
    expect(getSuggestions(chair.doc).size).toBe(0)
    expectInStep(provider, chair)
  })

  it("removes the suggester's own suggested text for real, and its record with the last of it", () => {
    const { provider, chair } = providerAndChair()
    const end = positionOf(provider.editor, 'Three years.', 'Three years.'.length)
    type(provider.editor, end, ' Renewabl')
    provider.editor.commands.setTextSelection({ from: end + 1, to: end + ' Renewabl'.length })
    provider.editor.view.dispatch(provider.editor.state.tr.deleteSelection())
    expect(marked(chair.editor.state.doc)[0]).toBe('Three years.[+ ]')
    expect(getSuggestions(chair.doc).size).toBe(1)
    provider.editor.commands.setTextSelection({ from: end, to: end + 1 })
    provider.editor.view.dispatch(provider.editor.state.tr.deleteSelection())
    expect(marked(chair.editor.state.doc)[0]).toBe('Three years.')
    expect(getSuggestions(chair.doc).size).toBe(0)
    expectInStep(provider, chair)
  })

  it("gives an edit next to a colleague's suggestion a new id of one's own, leaving the colleague's as it was", () => {
    const { provider, chair } = providerAndChair()
    const end = positionOf(provider.editor, 'Three years.', 'Three years.'.length)
    type(provider.editor, end, ' Renewable')
    const [providers] = idsIn(provider.editor.state.doc).insertion
    // The chair, in Suggesting mode, types right after the provider's insertion …
    type(chair.editor, end + ' Renewable'.length, ' once')
    // … and deletes a word right before it.
    deleteText(chair.editor, 'years')
    expect(chair.refusals).toEqual([])
    expect(marked(provider.editor.state.doc)[0]).toBe('Three [-years].[+ Renewable][+ once]')
    const ids = idsIn(provider.editor.state.doc)
    const chairs = [...ids.insertion, ...ids.deletion].filter((id) => id !== providers)
    expect(chairs.length).toBeGreaterThan(0)
    for (const id of chairs) expect(clientOfSuggestion(id)).toBe(chair.doc.clientID)
    expect(getSuggestions(provider.doc).get(providers!)).toMatchObject({ authorId: PROVIDER.id })
    for (const id of chairs) expect(getSuggestions(provider.doc).get(id)).toMatchObject({ authorId: CHAIR.id })
    expect(paragraphDelta(provider.doc, 'term')).toContainEqual({ insert: ' Renewable', attributes: { insertion: { id: providers } } })
    expectInStep(provider, chair)
  })

  it("refuses to change a colleague's suggested text, which can only be accepted or rejected", () => {
    const { provider, chair } = providerAndChair()
    type(provider.editor, positionOf(provider.editor, 'Three years.', 'Three years.'.length), ' Renewable once.')
    const before = marked(chair.editor.state.doc)
    deleteText(chair.editor, 'Renewable')
    expect(chair.refusals).toEqual([SUGGESTION_REFUSAL.othersText])
    expect(marked(chair.editor.state.doc)).toEqual(before)
  })

  it('refuses formatting, splitting a paragraph over a selection, a line break and a new clause while suggesting', () => {
    const { provider, chair } = providerAndChair()
    const before = getBody(chair.doc).toString()
    provider.editor.commands.setTextSelection({ from: positionOf(provider.editor, 'Three'), to: positionOf(provider.editor, 'Three', 5) })
    expect(provider.editor.commands.toggleBold()).toBe(true)
    provider.editor.commands.setTextSelection(positionOf(provider.editor, 'years'))
    provider.editor.commands.toggleItalic()
    provider.editor.commands.setTextSelection({ from: positionOf(provider.editor, 'monthly'), to: positionOf(provider.editor, 'monthly', 3) })
    provider.editor.commands.splitBlock()
    provider.editor.commands.setTextSelection(positionOf(provider.editor, 'monthly'))
    provider.editor.commands.setHardBreak()
    expect(provider.refusals).toEqual([
      SUGGESTION_REFUSAL.formatting,
      SUGGESTION_REFUSAL.formatting,
      SUGGESTION_REFUSAL.structure,
      SUGGESTION_REFUSAL.structure,
    ])
    expect(getBody(chair.doc).toString()).toBe(before)
    expect(provider.editor.commands.insertClauseAfter()).toBe(true)
    expect(provider.refusals).toHaveLength(5)
    expect(getBody(chair.doc).toString()).toBe(before)
  })

  it('refuses to suggest a deletion in a locked clause', async () => {
    const { provider, chair } = providerAndChair()
    // The editors watch clause status from when they are created, a moment after construction.
    await new Promise((resolve) => setTimeout(resolve, 0))
    setClauseStatus(chair.doc, 'fees', 'locked')
    const before = getBody(chair.doc).toString()
    deleteText(provider.editor, 'monthly ')
    expect(provider.refusals).toEqual([LOCKED_CLAUSE_MESSAGE])
    expect(getBody(chair.doc).toString()).toBe(before)
  })

  it('suggests a new paragraph at the end of one as wholly inserted text, and a reviewer rejects it', () => {
    const { provider, chair } = providerAndChair({ chairSuggests: false })
    provider.editor.commands.setTextSelection(positionOf(provider.editor, 'Three years.', 'Three years.'.length))
    expect(provider.editor.commands.splitBlock()).toBe(true)
    for (const character of 'Renewable once.') provider.editor.view.dispatch(provider.editor.state.tr.insertText(character))
    expect(provider.refusals).toEqual([])
    const paragraphs = marked(chair.editor.state.doc)
    expect(paragraphs[0]).toBe('Three years.[+\u200B]')
    expect(paragraphs[1]!.replace(/\]\[\+/g, '')).toBe('[+\u200BRenewable once.]')
    const ids = idsIn(chair.editor.state.doc).insertion
    expect(ids).toHaveLength(1)

    expect(chair.editor.commands.rejectSuggestion(ids[0]!)).toBe(true)
    expect(marked(provider.editor.state.doc)).toEqual(['Three years.', 'Paid monthly in arrears.', 'In writing.'])
    expectInStep(provider, chair)
  })

  it('suggests breaking a paragraph and joining two as paragraph marks, which a reviewer accepts as a real break and join, or rejects', () => {
    const { provider, chair } = providerAndChair({ chairSuggests: false })
    const { editor } = provider
    // Enter in the middle of a paragraph proposes a break there.
    editor.commands.setTextSelection(positionOf(editor, ' in arrears.'))
    press(editor, 'Enter')
    expect(provider.refusals).toEqual([])
    expect(marked(chair.editor.state.doc)[1]).toBe('Paid monthly[+\u2029] in arrears.')
    // Typed after it, text goes on the new line: after the mark.
    for (const character of 'Always') editor.view.dispatch(editor.state.tr.insertText(character))
    expect(marked(chair.editor.state.doc)[1]).toBe('Paid monthly[+\u2029Always] in arrears.')
    expectInStep(provider, chair)
    const [split] = idsIn(chair.editor.state.doc).insertion
    expect((getSuggestions(chair.doc).get(split!) as SuggestionRecord).authorId).toBe(PROVIDER.id)

    expect(chair.editor.commands.acceptSuggestion(split!)).toBe(true)
    expect(marked(provider.editor.state.doc)).toEqual(['Three years.', 'Paid monthly', 'Always in arrears.', 'In writing.'])
    expect(getSuggestions(provider.doc).size).toBe(0)
    expectInStep(provider, chair)

    // Backspace at the start of the second paragraph proposes joining it to the first: a
    // paragraph mark at the end of the first, proposed for deletion; the caret goes before it.
    editor.commands.setTextSelection(positionOf(editor, 'Always'))
    press(editor, 'Backspace')
    expect(provider.refusals).toEqual([])
    expect(marked(chair.editor.state.doc).slice(1, 3)).toEqual(['Paid monthly[±\u2029]', 'Always in arrears.'])
    expect(editor.state.selection.from).toBe(positionOf(editor, 'Paid monthly', 'Paid monthly'.length))
    expectInStep(provider, chair)
    const [join] = idsIn(chair.editor.state.doc).deletion
    expect(idsIn(chair.editor.state.doc).insertion).toEqual([join])
    expect((getSuggestions(chair.doc).get(join!) as SuggestionRecord).authorId).toBe(PROVIDER.id)

    expect(chair.editor.commands.rejectSuggestion(join!)).toBe(true)
    expect(marked(provider.editor.state.doc).slice(1, 3)).toEqual(['Paid monthly', 'Always in arrears.'])
    expectInStep(provider, chair)

    // Delete at the end of the first proposes the same; accepted, the two are one again.
    editor.commands.setTextSelection(positionOf(editor, 'Paid monthly', 'Paid monthly'.length))
    press(editor, 'Delete')
    expect(marked(chair.editor.state.doc).slice(1, 3)).toEqual(['Paid monthly[±\u2029]', 'Always in arrears.'])
    expect(editor.state.selection.from).toBe(positionOf(editor, 'Always'))
    const [again] = idsIn(chair.editor.state.doc).deletion
    expect(chair.editor.commands.acceptSuggestion(again!)).toBe(true)
    expect(marked(provider.editor.state.doc)).toEqual(['Three years.', 'Paid monthlyAlways in arrears.', 'In writing.'])
    expect(getSuggestions(provider.doc).size).toBe(0)
    expect(provider.refusals).toEqual([])
    expectInStep(provider, chair)
  })

  it('proposes a break made by the split command too, and withdraws a break when its author deletes the mark', () => {
    const { provider, chair } = providerAndChair()
    const { editor } = provider
    editor.commands.setTextSelection(positionOf(editor, ' arrears.'))
    expect(editor.commands.splitBlock()).toBe(true)
    expect(marked(chair.editor.state.doc)[1]).toBe('Paid monthly in[+\u2029] arrears.')
    expect(editor.state.selection.from).toBe(positionOf(editor, ' arrears.'))
    const cursor = editor.state.selection.from
    editor.view.dispatch(editor.state.tr.delete(cursor - 1, cursor))
    expect(marked(chair.editor.state.doc)[1]).toBe('Paid monthly in arrears.')
    expect(getSuggestions(chair.doc).size).toBe(0)
    expect(provider.refusals).toEqual([])
    expectInStep(provider, chair)
  })

  it('breaks a bulleted item as a suggestion, which accepted becomes two items', () => {
    // A clause whose body is a bulleted list of one item.
    const services = clauseElement('services', 'Services')
    const list = new Y.XmlElement('bulletList')
    const item = new Y.XmlElement('listItem')
    const text = new Y.XmlElement('paragraph')
    text.insert(0, [new Y.XmlText('Daily care and weekly reports.')])
    item.insert(0, [text])
    list.insert(0, [item])
    services.insert(1, [list])
    const { provider, chair } = providerAndChair({ chairSuggests: false, more: [services] })
    const { editor } = provider
    editor.commands.setTextSelection(positionOf(editor, ' and weekly'))
    press(editor, 'Enter')
    expect(provider.refusals).toEqual([])
    expect(marked(chair.editor.state.doc)[3]).toBe('Daily care[+\u2029] and weekly reports.')
    expectInStep(provider, chair)

    const [id] = idsIn(chair.editor.state.doc).insertion
    expect(chair.editor.commands.acceptSuggestion(id!)).toBe(true)
    const items: string[] = []
    provider.editor.state.doc.descendants((node) => {
      if (node.type.name === 'listItem') items.push(node.textContent)
      return true
    })
    expect(items).toEqual(['Daily care', ' and weekly reports.'])
    expectInStep(provider, chair)
  })

  it('leaves a person in Editing mode to change the text directly', () => {
    const { provider, chair } = providerAndChair({ chairSuggests: false })
    type(chair.editor, positionOf(chair.editor, 'Three years.', 'Three years.'.length), ' Renewable once.')
    expect(marked(provider.editor.state.doc)[0]).toBe('Three years. Renewable once.')
    expect(chair.editor.commands.setSuggesting(true)).toBe(true)
    type(chair.editor, positionOf(chair.editor, 'In writing.', 'In writing.'.length), ' Or email.')
    expect(marked(provider.editor.state.doc)[2]).toBe('In writing.[+ Or email.]')
  })
})

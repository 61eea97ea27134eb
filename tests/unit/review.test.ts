// @vitest-environment happy-dom
/**
 * Reviewing suggestions: the review panel's list of open suggestions, read from the document
 * alone (one entry per suggestion, in document order, a replacement being one), and accepting
 * or rejecting many suggestions at once, as one step that one undo takes back.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { act, createElement } from 'react'
import { type Root, createRoot } from 'react-dom/client'
import { Editor, getSchema } from '@tiptap/core'
import Collaboration from '@tiptap/extension-collaboration'
import type { Node as ProseMirrorNode, Schema } from '@tiptap/pm/model'
import { yUndoPluginKey } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { REASON_MAX_LENGTH, type SuggestionRecord } from '../../shared/domain/suggestions.ts'
import { contractExtensions } from '../../shared/editor/extensions.ts'
import { getBody, getSuggestions } from '../../shared/ydoc/schema.ts'
import { SuggestChanges } from '../../client/editor/SuggestChanges.ts'
import { describeSuggestion, reviewEntries } from '../../client/features/suggestions/reviewEntries.ts'
import { setSuggestionReason } from '../../client/features/suggestions/suggestionRecords.ts'
import { ReviewPanel } from '../../client/features/suggestions/ReviewPanel.tsx'

/**
 * A run of a paragraph: plain text, or text with a suggestion mark `[text, kind, id]`, or with
 * both (`'both'`: a paragraph mark proposed for deletion).
 */
type Run = string | readonly [string, 'insertion' | 'deletion' | 'both', string]

describe('the list of open suggestions', () => {
  const schema: Schema = getSchema(contractExtensions())
  const paragraph = (...runs: Run[]) =>
    schema.node(
      'paragraph',
      null,
      runs.map((run) => {
        if (typeof run === 'string') return schema.text(run)
        const kinds = run[1] === 'both' ? (['insertion', 'deletion'] as const) : [run[1]]
        return schema.text(run[0], kinds.map((kind) => schema.marks[kind]!.create({ id: run[2] })))
      }),
    )
  const clause = (id: string, heading: string, ...content: ProseMirrorNode[]) =>
    schema.node('clause', { clauseId: id }, [schema.node('heading', { level: 2 }, heading ? [schema.text(heading)] : []), ...content])
  const contract = (...clauses: ProseMirrorNode[]) => schema.node('doc', null, clauses)

  it('lists each suggestion once, in document order, with its clause and what it does', () => {
    const doc = contract(
      clause('term', 'Term', paragraph('Three', [' full', 'insertion', '9.3'], ' years by ', ['written', 'deletion', '9.1'], ' agreement.')),
      clause(
        'fees',
        'Fees',
        paragraph('Paid within ', ['30', 'deletion', '7.2'], ['14', 'insertion', '7.2'], ' days.'),
        clause('late', 'Late payment', paragraph('Interest at 4%.'), paragraph(['\u200BAnd costs.', 'insertion', '9.4'])),
      ),
      clause('notices', 'Notices', paragraph('In writing.')),
    )
    const entries = reviewEntries(doc)
    expect(entries.map(({ id, clause, inserted, deleted, addsParagraph }) => ({ id, clause, inserted, deleted, addsParagraph }))).toEqual([
      { id: '9.3', clause: { id: 'term', number: '1', heading: 'Term' }, inserted: ' full', deleted: '', addsParagraph: false },
      { id: '9.1', clause: { id: 'term', number: '1', heading: 'Term' }, inserted: '', deleted: 'written', addsParagraph: false },
      { id: '7.2', clause: { id: 'fees', number: '2', heading: 'Fees' }, inserted: '14', deleted: '30', addsParagraph: false },
      { id: '9.4', clause: { id: 'late', number: '2.1', heading: 'Late payment' }, inserted: 'And costs.', deleted: '', addsParagraph: true },
    ])
    expect(entries.map((entry) => describeSuggestion(entry))).toEqual([
      'Insert “full”',
      'Delete “written”',
      'Replace “30” with “14”',
      'Add a paragraph: “And costs.”',
    ])
    // Each entry spans its marked text, in the document it was read from.
    for (const entry of entries) expect(entry.from).toBeLessThan(entry.to)
    const replaced = entries[2]!
    expect(doc.textBetween(replaced.from, replaced.to)).toBe('3014')
  })

  it('says when a suggestion breaks a paragraph in two or joins two, without showing the paragraph mark', () => {
    const doc = contract(
      clause('term', 'Term', paragraph('Three years.', ['\u2029', 'insertion', '4.1'], 'Renewable.'), paragraph('Once', ['\u2029', 'both', '4.2'])),
      clause('fees', 'Fees', paragraph('Paid ', ['monthly', 'deletion', '4.3'], ['\u2029Weekly', 'insertion', '4.3'], '.'), paragraph('In arrears.')),
    )
    const entries = reviewEntries(doc)
    expect(entries.map(({ id, inserted, deleted, breaksParagraph, joinsParagraphs }) => ({ id, inserted, deleted, breaksParagraph, joinsParagraphs }))).toEqual([
      { id: '4.1', inserted: '', deleted: '', breaksParagraph: true, joinsParagraphs: false },
      { id: '4.2', inserted: '', deleted: '', breaksParagraph: false, joinsParagraphs: true },
      { id: '4.3', inserted: 'Weekly', deleted: 'monthly', breaksParagraph: true, joinsParagraphs: false },
    ])
    expect(entries.map((entry) => describeSuggestion(entry))).toEqual([
      'Break the paragraph in two',
      'Join the paragraph with the next',
      'Break the paragraph in two, deleting “monthly” and inserting “Weekly”',
    ])
  })

  it('gathers a suggestion split by other text into one entry, and gives the same document equal entries', () => {
    const doc = contract(clause('term', 'Term', paragraph(['Three', 'deletion', '5.1'], ' and ', ['years', 'deletion', '5.1']), paragraph('Plain.')))
    expect(reviewEntries(doc).map(({ id, deleted }) => ({ id, deleted }))).toEqual([{ id: '5.1', deleted: 'Threeyears' }])
    expect(reviewEntries(doc)).toEqual(reviewEntries(doc))
    expect(reviewEntries(contract(clause('term', 'Term', paragraph('Nothing suggested.'))))).toEqual([])
  })
})

const PROVIDER: SuggestionRecord = { authorId: 'user-provider', authorName: 'Pat Provider', organisation: 'Sunrise Homes', createdAt: 1_700_000_000_000 }
const CHAIR = { id: 'user-chair', name: 'Chris Chair', organisation: 'Steering Group' }

const editors: Editor[] = []
const roots: Root[] = []
afterEach(() => {
  for (const root of roots.splice(0)) act(() => root.unmount())
  for (const editor of editors.splice(0)) editor.destroy()
  document.body.replaceChildren()
})

/** A clause element holding a heading and one paragraph of `runs`, as the editor writes it. */
function yClause(id: string, heading: string, runs: Run[]): Y.XmlElement {
  const element = new Y.XmlElement('clause')
  element.setAttribute('clauseId', id)
  const h = new Y.XmlElement('heading')
  h.setAttribute('level', 2 as unknown as string)
  h.insert(0, [new Y.XmlText(heading)])
  const text = new Y.XmlText()
  let at = 0
  for (const run of runs) {
    const [value, attributes] = typeof run === 'string' ? [run, {}] : [run[0], { [run[1]]: { id: run[2] } }]
    text.insert(at, value, attributes)
    at += value.length
  }
  const p = new Y.XmlElement('paragraph')
  p.insert(0, [text])
  element.insert(0, [h, p])
  return element
}

/**
 * The chair's editor (Editing mode) on `clauses`, every suggestion in them recorded as the
 * provider's, all written before the editor opens (so none is on the undo stack).
 */
function chairOn(clauses: Y.XmlElement[]) {
  const doc = new Y.Doc()
  getBody(doc).insert(0, clauses)
  const editor = new Editor({
    element: document.createElement('div'),
    extensions: [...contractExtensions(), Collaboration.configure({ fragment: getBody(doc) }), SuggestChanges.configure({ doc, author: CHAIR, isSuggesting: false })],
  })
  editors.push(editor)
  for (const { id } of reviewEntries(editor.state.doc)) getSuggestions(doc).set(id, PROVIDER)
  return { doc, editor, undoManager: (yUndoPluginKey.getState(editor.state) as { undoManager: Y.UndoManager }).undoManager }
}

/** The provider's four suggestions, two in each of two clauses. */
function chairWithSuggestions() {
  return chairOn([
    yClause('term', 'Term', ['Three', [' full', 'insertion', '9.1'], ' years by ', ['written', 'deletion', '9.2'], ' agreement.']),
    yClause('fees', 'Fees', ['Paid within ', ['30', 'deletion', '9.3'], ['14', 'insertion', '9.3'], ' days', [' net', 'insertion', '9.4'], '.']),
  ])
}

/** The clauses' paragraphs, suggestions shown as [+inserted] and [-deleted]. */
function marked(editor: Editor): string[] {
  const lines: string[] = []
  editor.state.doc.descendants((node) => {
    if (node.type.name !== 'paragraph') return true
    let line = ''
    node.forEach((child) => {
      const kind = child.marks.find((mark) => mark.type.name === 'insertion') ? '+' : child.marks.find((mark) => mark.type.name === 'deletion') ? '-' : ''
      line += kind ? `[${kind}${child.text}]` : child.text
    })
    lines.push(line)
    return false
  })
  return lines
}

describe('accepting and rejecting many suggestions at once', () => {
  const BEFORE = ['Three[+ full] years by [-written] agreement.', 'Paid within [-30][+14] days[+ net].']

  it("accepts a clause's suggestions in one transaction and one undo step, removing their records with them", () => {
    const { doc, editor, undoManager } = chairWithSuggestions()
    expect(marked(editor)).toEqual(BEFORE)
    const termIds = reviewEntries(editor.state.doc)
      .filter((entry) => entry.clause?.id === 'term')
      .map((entry) => entry.id)
    expect(termIds).toEqual(['9.1', '9.2'])

    let transactions = 0
    const count = () => transactions++
    editor.on('transaction', count)
    const updates: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => updates.push(update))
    expect(editor.commands.acceptSuggestions(termIds)).toBe(true)
    editor.off('transaction', count)

    expect(transactions).toBe(1)
    expect(updates).toHaveLength(1)
    expect(marked(editor)).toEqual(['Three full years by agreement.', 'Paid within [-30][+14] days[+ net].'])
    expect([...getSuggestions(doc).keys()].sort()).toEqual(['9.3', '9.4'])
    expect(undoManager.undoStack).toHaveLength(1)

    expect(editor.commands.undo()).toBe(true)
    expect(marked(editor)).toEqual(BEFORE)
    expect([...getSuggestions(doc).keys()].sort()).toEqual(['9.1', '9.2', '9.3', '9.4'])
    expect(getSuggestions(doc).get('9.1')).toEqual(PROVIDER)
  })

  it('rejects every suggestion in the contract as one step, and accepts the same ones as another', () => {
    const { doc, editor, undoManager } = chairWithSuggestions()
    const all = reviewEntries(editor.state.doc).map((entry) => entry.id)
    expect(editor.commands.rejectSuggestions(all)).toBe(true)
    expect(marked(editor)).toEqual(['Three years by written agreement.', 'Paid within 30 days.'])
    expect(getSuggestions(doc).size).toBe(0)
    expect(undoManager.undoStack).toHaveLength(1)

    expect(editor.commands.undo()).toBe(true)
    expect(marked(editor)).toEqual(BEFORE)
    expect(getSuggestions(doc).size).toBe(4)

    expect(editor.commands.acceptSuggestions(all)).toBe(true)
    expect(marked(editor)).toEqual(['Three full years by agreement.', 'Paid within 14 days net.'])
    expect(getSuggestions(doc).size).toBe(0)
    expect(undoManager.undoStack).toHaveLength(1)
  })

  it('answers "can I?" by whether any of the suggestions is still in the text, and skips those that are not', () => {
    const { doc, editor } = chairWithSuggestions()
    expect(editor.can().acceptSuggestions(['1.1', '2.2'])).toBe(false)
    expect(editor.can().rejectSuggestions(['1.1', '9.4'])).toBe(true)
    expect(editor.commands.acceptSuggestions([])).toBe(false)
    expect(editor.commands.rejectSuggestions(['1.1', '9.4'])).toBe(true)
    expect(marked(editor)).toEqual(['Three[+ full] years by [-written] agreement.', 'Paid within [-30][+14] days.'])
    expect([...getSuggestions(doc).keys()].sort()).toEqual(['9.1', '9.2', '9.3'])
  })
})

describe("an author's reason", () => {
  it('is set, changed and removed, leaving the rest of the record as it was', () => {
    const records = getSuggestions(new Y.Doc())
    records.set('9.1', PROVIDER)
    expect(setSuggestionReason(records, '9.1', '  Providers need paying sooner.  ')).toBe(true)
    expect(records.get('9.1')).toEqual({ ...PROVIDER, reason: 'Providers need paying sooner.' })
    expect(setSuggestionReason(records, '9.1', 'x'.repeat(REASON_MAX_LENGTH + 50))).toBe(true)
    expect((records.get('9.1') as SuggestionRecord).reason).toHaveLength(REASON_MAX_LENGTH)
    expect(setSuggestionReason(records, '9.1', '   ')).toBe(true)
    expect(records.get('9.1')).toEqual(PROVIDER)
    expect(setSuggestionReason(records, '9.9', 'No record yet.')).toBe(false)
  })
})

// React's act() warns unless the environment says it is a test.
;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

describe('the review panel', () => {
  function renderPanel(editor: Editor, doc: Y.Doc, canReview: boolean): HTMLElement {
    const container = document.createElement('div')
    document.body.append(container)
    const root = createRoot(container)
    roots.push(root)
    act(() => root.render(createElement(ReviewPanel, { editor, doc, canReview })))
    return container
  }
  const entriesIn = (panel: HTMLElement) => [...panel.querySelectorAll('li')].map((item) => item.textContent ?? '')
  const countIn = (panel: HTMLElement) => panel.querySelector('[data-testid="review-count"]')?.textContent
  const buttonsIn = (element: Element, name: string) => [...element.querySelectorAll('button')].filter((button) => button.textContent === name)
  const click = (button: HTMLElement | undefined) => {
    expect(button, 'the button is there').toBeDefined()
    act(() => button!.click())
  }
  const choose = (panel: HTMLElement, label: string, value: string) => {
    const select = [...panel.querySelectorAll('label')].find((each) => each.textContent?.startsWith(label))?.querySelector('select')
    expect(select, `a select labelled ${label}`).toBeTruthy()
    act(() => {
      select!.value = value
      select!.dispatchEvent(new Event('change', { bubbles: true }))
    })
  }

  it('lists the suggestions in order with clause, change, author and organisation, and narrows them by clause', () => {
    const { doc, editor } = chairWithSuggestions()
    const panel = renderPanel(editor, doc, true)
    const entries = entriesIn(panel)
    expect(entries).toHaveLength(4)
    expect(entries.map((entry) => entry.slice(0, entry.indexOf(PROVIDER.authorName)))).toEqual([
      '1 TermInsert “full”',
      '1 TermDelete “written”',
      '2 FeesReplace “30” with “14”',
      '2 FeesInsert “net”',
    ])
    for (const entry of entries) expect(entry).toContain(`${PROVIDER.authorName}${PROVIDER.organisation}`)
    expect(countIn(panel)).toBe('4 open suggestions')

    choose(panel, 'Clause', 'fees')
    expect(entriesIn(panel)).toHaveLength(2)
    expect(countIn(panel)).toBe('2 of 4 open suggestions')
    expect(panel.querySelector('.review-bulk-scope')?.textContent).toBe('in clause 2 Fees')
  })

  it("accepts all of a clause's suggestions from the panel, and shows the rest once that clause has none", () => {
    const { doc, editor, undoManager } = chairWithSuggestions()
    const panel = renderPanel(editor, doc, true)
    choose(panel, 'Clause', 'term')
    click(buttonsIn(panel, 'Accept all')[0])
    expect(marked(editor)).toEqual(['Three full years by agreement.', 'Paid within [-30][+14] days[+ net].'])
    expect(undoManager.undoStack).toHaveLength(1)
    expect(entriesIn(panel)).toHaveLength(2)
    expect(countIn(panel)).toBe('2 open suggestions')

    // One entry rejected on its own.
    click(buttonsIn(panel.querySelectorAll('li')[1]!, 'Reject')[0])
    expect(marked(editor)).toEqual(['Three full years by agreement.', 'Paid within [-30][+14] days.'])
    expect(entriesIn(panel)).toHaveLength(1)
  })

  it('asks before acting on more than five at once, and then acts on them all as one step', () => {
    const words = ['one', 'two', 'three', 'four', 'five', 'six']
    const { doc, editor, undoManager } = chairOn([
      yClause('a', 'First', words.slice(0, 3).flatMap((word, i): Run[] => [`${word} `, [`(${word})`, 'insertion', `8.${i + 1}`], ' ']) ),
      yClause('b', 'Second', words.slice(3).flatMap((word, i): Run[] => [`${word} `, [`(${word})`, 'insertion', `8.${i + 4}`], ' '])),
    ])
    const panel = renderPanel(editor, doc, true)
    expect(entriesIn(panel)).toHaveLength(6)

    click(buttonsIn(panel, 'Reject all')[0])
    expect(entriesIn(panel)).toHaveLength(6)
    expect(panel.querySelector('.review-confirm')?.textContent).toContain('Reject all 6 suggestions in the whole contract?')
    click(buttonsIn(panel, 'Cancel')[0])
    expect(panel.querySelector('.review-confirm')).toBeNull()
    expect(getSuggestions(doc).size).toBe(6)

    click(buttonsIn(panel, 'Accept all')[0])
    click(buttonsIn(panel, 'Accept 6')[0])
    expect(marked(editor)).toEqual(['one (one) two (two) three (three) ', 'four (four) five (five) six (six) '])
    expect(getSuggestions(doc).size).toBe(0)
    expect(entriesIn(panel)).toEqual([])
    expect(undoManager.undoStack).toHaveLength(1)
  })

  it('shows someone who does not review the same list, without Accept or Reject', () => {
    const { doc, editor } = chairWithSuggestions()
    const panel = renderPanel(editor, doc, false)
    expect(entriesIn(panel)).toHaveLength(4)
    expect([...panel.querySelectorAll('button')].filter((button) => /Accept|Reject/.test(button.textContent ?? ''))).toEqual([])
  })

  it('selects a suggestion in the text when its entry is clicked', () => {
    const { doc, editor } = chairWithSuggestions()
    const panel = renderPanel(editor, doc, true)
    click(panel.querySelectorAll<HTMLButtonElement>('.review-entry-show')[2])
    const { from, to } = editor.state.selection
    expect(editor.state.doc.textBetween(from, to)).toBe('3014')
  })

  it("follows the document: a colleague's new suggestion and a reason appear after a short wait", async () => {
    const { doc, editor } = chairWithSuggestions()
    const panel = renderPanel(editor, doc, false)
    await act(async () => {
      // As a colleague's update would arrive: a new suggestion and its record, and a reason.
      doc.transact(() => {
        const paragraph = (getBody(doc).get(0) as Y.XmlElement).get(1) as Y.XmlElement
        ;(paragraph.get(0) as Y.XmlText).insert(0, 'Some ', { insertion: { id: '6.1' } })
        getSuggestions(doc).set('6.1', PROVIDER)
        setSuggestionReason(getSuggestions(doc), '9.4', 'Clearer.')
      }, 'colleague')
      expect(entriesIn(panel)).toHaveLength(4)
      await new Promise((resolve) => setTimeout(resolve, 300))
    })
    const entries = entriesIn(panel)
    expect(entries).toHaveLength(5)
    expect(entries[0]).toContain('Insert “Some”')
    expect(entries[4]).toContain('Clearer.')
  })
})

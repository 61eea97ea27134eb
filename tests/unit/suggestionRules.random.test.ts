// @vitest-environment happy-dom
/**
 * The referee's rules for suggesters, on random edits.
 *
 * 1. Several suggesters and an editor, each at a real editor bound to a Y.Doc of their own,
 *    relayed through a room document that stands for the server's: each of their updates
 *    reaches the room only if `validateByRole` accepts it. Random people make random edits as
 *    at the keyboard (typing, Backspace and Delete, deleting or replacing a selection, Enter,
 *    undo), often on a state that has not yet seen a colleague's latest edits. Everything an
 *    honest editor sends is accepted, the copies converge, and every suggestion belongs to the
 *    person who made it.
 * 2. Random raw Yjs edits by a suggester, judged by `validateByRole` and by an oracle written
 *    from the rules in terms of the text and its marks before and after: both verdicts agree.
 *
 * The seeds are fixed, so that a failure is reproducible: its message names the seed and the
 * steps that led to it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Editor } from '@tiptap/core'
import { TextSelection } from '@tiptap/pm/state'
import { yUndoPluginKey } from '@tiptap/y-tiptap'
import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { validateByRole } from '../../server/auth/memberPolicy.ts'
import type { Principal } from '../../server/sync/hooks.ts'
import { SyncRefusal } from '../../server/sync/SyncRefusal.ts'
import { asUserId } from '../../shared/domain/ids.ts'
import type { Role } from '../../shared/domain/roles.ts'
import { SUGGESTION_MARK, type SuggestionRecord, clientOfSuggestion, isSuggestionRecord } from '../../shared/domain/suggestions.ts'
import { suggestionIdsIn } from '../../shared/editor/SuggestionMarks.ts'
import { ROOT, getBody, getClauses, getSuggestions } from '../../shared/ydoc/schema.ts'
import { clauseElement, contractEditor } from '../helpers/contractEditor.ts'
import { contextFor } from '../helpers/refereeContext.ts'

/** The origin of updates copied from the room: not the person's own, not to be sent back. */
const RELAYED = Symbol('relayed')

const editors: Editor[] = []
afterEach(() => {
  for (const editor of editors.splice(0)) editor.destroy()
})

/** Someone at an editor of their own, with what they have written and not yet sent. */
interface Participant {
  readonly name: string
  readonly role: Role
  readonly principal: Principal
  readonly doc: Y.Doc
  readonly editor: Editor
  /** Updates made in this person's copy and not yet sent to the room, oldest first. */
  readonly outbox: Uint8Array[]
  /** Why this person's editor declined an edit. */
  readonly refusals: string[]
  /** Whether this person still undoes and redoes (see `randomEdit`). */
  mayUndo: boolean
}

function principalOf(n: number, organisation: string): Principal {
  return { userId: asUserId(`user-${n}`), name: `Person ${n}`, organisation }
}

/**
 * The room: three clauses, one with two paragraphs and some bold text. The clientIDs are fixed,
 * so that a seed replays the same way (Yjs orders concurrent insertions by clientID).
 */
function roomDocument(): Y.Doc {
  const room = new Y.Doc()
  room.clientID = 1
  getBody(room).insert(0, [
    clauseElement('term', 'Term', 'This agreement lasts three years.'),
    clauseElement('fees', 'Fees', 'Fees are paid monthly in arrears.', 'Late fees carry interest.'),
    clauseElement('notices', 'Notices', 'Notices are given in writing.'),
  ])
  const fees = (getBody(room).get(1) as Y.XmlElement).get(1) as Y.XmlElement
  ;(fees.get(0) as Y.XmlText).format(14, 7, { bold: {} })
  return room
}

/** A simulated session: the room and the people, and how to pass updates between them. */
class Session {
  readonly room = roomDocument()
  readonly people: Participant[] = []
  /** What happened, step by step, for the failure message. */
  readonly log: string[] = []
  /** The first refusal by the referee of an update someone's editor sent, if any. */
  refused: { who: string; reason: string } | null = null

  join(name: string, role: Role, clientId: number, isSuggesting: boolean): Participant {
    const doc = new Y.Doc()
    doc.clientID = clientId
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(this.room), RELAYED)
    const principal = principalOf(clientId, role === 'suggester' ? 'Sunrise Homes' : 'Steering Group')
    const refusals: string[] = []
    const author = { id: principal.userId, name: principal.name, organisation: principal.organisation ?? '' }
    const editor = contractEditor(doc, { author, isSuggesting, onRefused: (message) => refusals.push(message) })
    editors.push(editor)
    const person: Participant = { name, role, principal, doc, editor, outbox: [], refusals, mayUndo: role === 'suggester' }
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== RELAYED) person.outbox.push(update)
    })
    this.people.push(person)
    return person
  }

  /** Sends `person`'s pending updates to the room, in order, each judged as the server would. */
  send(person: Participant): void {
    while (person.outbox.length > 0 && this.refused === null) {
      const update = person.outbox.shift()!
      try {
        validateByRole(contextFor(this.room, update, person.role, person.principal, new Set([person.doc.clientID])))
      } catch (error) {
        if (!(error instanceof SyncRefusal)) throw error
        this.refused = { who: person.name, reason: error.reason }
        this.log.push(`  ${person.name}'s update REFUSED: ${error.reason}`)
        if (process.env.TRACE) {
          const after = new Y.Doc()
          Y.applyUpdate(after, Y.encodeStateAsUpdate(this.room))
          Y.applyUpdate(after, update)
          process.stderr.write(`oracle: ${JSON.stringify(oracle(this.room, after, new Set([person.doc.clientID]), person.principal))}\n`)
          const decoded = Y.decodeUpdate(update)
          process.stderr.write(`structs: ${decoded.structs.map((s) => `${s.id.client}:${s.id.clock}+${s.length} ${s instanceof Y.Item ? s.content.constructor.name + ' ' + JSON.stringify(s.content instanceof Y.ContentFormat ? [s.content.key, s.content.value] : s.content.getContent()) + ' parentSub=' + s.parentSub : ''}`).join('\n  ')}\nds: ${JSON.stringify([...decoded.ds.clients])}\n`)
          const dump = (doc: Y.Doc) => getBody(doc).toArray().map((c) => (c as Y.XmlElement).toArray().map((b) => JSON.stringify(((b as Y.XmlElement).get(0) as Y.XmlText)?.toDelta())).join('\n')).join('\n')
          for (const [client, ranges] of decoded.ds.clients) for (const r of ranges) for (let c = r.clock; c < r.clock + r.len; c++) {
            if (c >= Y.getState(this.room.store, client)) continue
            const it = Y.getItem(this.room.store, Y.createID(client, c)) as Y.Item
            if (!it.deleted) process.stderr.write(`live deleted ${client}:${c} ${it.content.constructor.name} ${JSON.stringify(it.content instanceof Y.ContentFormat ? [it.content.key, it.content.value] : it.content.getContent())}\n`)
          }
          process.stderr.write(`room:\n${dump(this.room)}\nperson:\n${dump(person.doc)}\n`)
        }
        return
      }
      Y.applyUpdate(this.room, update, person)
    }
  }

  /** Brings `person`'s copy up to date with the room. */
  receive(person: Participant): void {
    Y.applyUpdate(person.doc, Y.encodeStateAsUpdate(this.room, Y.encodeStateVector(person.doc)), RELAYED)
  }

  /** Everyone sends and receives until nothing is left to pass on. */
  settle(): void {
    for (let round = 0; round < 10 && this.refused === null; round++) {
      for (const person of this.people) this.send(person)
      for (const person of this.people) this.receive(person)
      if (this.people.every((person) => person.outbox.length === 0)) return
    }
  }
}


/** The editor's Yjs undo manager. */
function undoManagerOf(editor: Editor): Y.UndoManager {
  return (yUndoPluginKey.getState(editor.state) as { undoManager: Y.UndoManager }).undoManager
}

interface Textblock {
  /** The content's start and end positions. */
  readonly from: number
  readonly to: number
  readonly isParagraph: boolean
  /** Whether some of its text is a suggested insertion. */
  readonly hasInsertions: boolean
}

/** The document's textblocks (headings and paragraphs). */
function textblocks(editor: Editor): Textblock[] {
  const blocks: Textblock[] = []
  editor.state.doc.descendants((node, pos) => {
    if (!node.isTextblock) return true
    let hasInsertions = false
    node.forEach((child) => {
      if (child.marks.some((mark) => mark.type.name === SUGGESTION_MARK.insertion)) hasInsertions = true
    })
    blocks.push({ from: pos + 1, to: pos + 1 + node.content.size, isParagraph: node.type.name === 'paragraph', hasInsertions })
    return false
  })
  return blocks
}

/**
 * A random non-empty range of text in `blocks` (the document's textblocks) where `mayChange`
 * allows: mostly inside one block, sometimes from one into the next.
 */
function randomRange(random: prng.PRNG, blocks: readonly Textblock[], mayChange: (block: Textblock) => boolean): { from: number; to: number } | null {
  const allowed = blocks.filter(mayChange)
  if (allowed.length === 0) return null
  const block = prng.oneOf(random, allowed)
  const next = blocks[blocks.indexOf(block) + 1]
  if (next !== undefined && mayChange(next) && prng.int32(random, 0, 5) === 0) {
    return { from: prng.int32(random, block.from, block.to), to: prng.int32(random, next.from, next.to) }
  }
  if (block.from === block.to) return null
  const from = prng.int32(random, block.from, block.to - 1)
  return { from, to: prng.int32(random, from + 1, Math.min(block.to, from + 8)) }
}

/** A few characters, mostly letters and spaces, now and then one that starts an input rule. */
function randomText(random: prng.PRNG): string {
  let text = ''
  for (let n = prng.int32(random, 1, 4); n > 0; n--) {
    const kind = prng.int32(random, 0, 19)
    text += kind < 14 ? prng.letter(random) : kind < 17 ? ' ' : prng.oneOf(random, ['*', '.', '-', '#', '>', '`', '~'])
  }
  return text
}

/** Types `character` as the keyboard does: input rules first, then the text itself. */
function typeCharacter(editor: Editor, character: string): void {
  const { view } = editor
  const { from, to } = view.state.selection
  const deflt = () => view.state.tr.insertText(character, from, to)
  if (!view.someProp('handleTextInput', (handle) => handle(view, from, to, character, deflt))) view.dispatch(deflt())
}

function typeText(editor: Editor, text: string): void {
  for (const character of text) typeCharacter(editor, character)
}

/**
 * Presses `key` as the keyboard does: the editor's key handlers first; Backspace or Delete that
 * no handler takes (in the middle of text) removes one character, as the browser would.
 */
function pressKey(editor: Editor, key: 'Backspace' | 'Delete' | 'Enter'): void {
  const { view } = editor
  const event = new KeyboardEvent('keydown', { key })
  if (view.someProp('handleKeyDown', (handle) => handle(view, event))) return
  const { from, empty } = view.state.selection
  if (!empty || key === 'Enter') return
  const [start, end] = key === 'Backspace' ? [from - 1, from] : [from, from + 1]
  if (start < 0 || end > view.state.doc.content.size || !view.state.doc.resolve(start).sameParent(view.state.doc.resolve(end))) return
  view.dispatch(view.state.tr.delete(start, end))
}

function select(editor: Editor, from: number, to = from): void {
  editor.view.dispatch(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, from, to)))
}

/** The ids of the suggested insertions that begin a new paragraph (marked on its zero-width space). */
function newParagraphIds(editor: Editor): Set<string> {
  const ids = new Set<string>()
  editor.state.doc.descendants((node) => {
    const mark = node.marks.find((candidate) => candidate.type.name === SUGGESTION_MARK.insertion)
    if (node.isText && mark !== undefined && node.text!.includes('\u200B')) ids.add(String(mark.attrs.id))
    return true
  })
  return ids
}

type Action = 'type' | 'backspace' | 'delete' | 'deleteSelection' | 'replace' | 'enterAtEnd' | 'enter' | 'undo' | 'redo' | 'bold' | 'withdraw' | 'review'

/** What a suggester does, weighted by repetition. */
const SUGGESTER_ACTIONS: readonly Action[] = [
  'type', 'type', 'type', 'type',
  'backspace', 'backspace', 'delete',
  'deleteSelection', 'deleteSelection', 'replace', 'replace',
  'enterAtEnd', 'enter',
  'undo', 'undo', 'redo', 'withdraw',
]

/** What the editor (in Editing mode) does, weighted by repetition. */
const EDITOR_ACTIONS: readonly Action[] = ['type', 'type', 'backspace', 'delete', 'deleteSelection', 'replace', 'enter', 'bold', 'review', 'review']

/**
 * One random edit by `person`, through their editor; returns what it was, for the log.
 *
 * Three kinds of edit are left out, because the referee refuses what the client then sends
 * (see the known refusals in this file's last section):
 * - a suggester does not undo or redo once one of their suggestions has been accepted (undo
 *   would remove the accepted text), nor once they have suggested a new paragraph (undo would
 *   remove the paragraph), and does not withdraw a new paragraph;
 * - the editor changes the text (types, deletes, splits or joins) only in paragraphs without
 *   suggested insertions, and does not undo: otherwise the editor's client writes suggested
 *   text anew, which its suggester can then no longer withdraw;
 * - reviews happen when everyone is in step, and everyone hears of them at once: accepting a
 *   suggestion while its author is still withdrawing it is a race the author must lose.
 */
function randomEdit(random: prng.PRNG, session: Session, person: Participant): string {
  const { editor } = person
  const isEditor = person.role !== 'suggester'
  const all = textblocks(editor)
  // Where this person may change the text.
  const mayChange = (block: Textblock) => !isEditor || !block.hasInsertions
  const blocks = all.filter(mayChange)
  const kind: Action = prng.oneOf(random, [...(isEditor ? EDITOR_ACTIONS : SUGGESTER_ACTIONS)])
  switch (kind) {
    case 'type': {
      if (blocks.length === 0) return 'finds nowhere to type'
      const block = prng.oneOf(random, blocks)
      const at = prng.int32(random, block.from, block.to)
      const text = randomText(random)
      select(editor, at)
      typeText(editor, text)
      return `types ${JSON.stringify(text)} at ${at}`
    }
    case 'backspace':
    case 'delete': {
      const key = kind === 'backspace' ? 'Backspace' : 'Delete'
      // The editor stays inside the paragraph (at its edge, the key would join two).
      const candidates = isEditor ? blocks.filter((block) => block.to - block.from >= 3) : blocks
      if (candidates.length === 0) return `finds nothing to ${kind}`
      const block = prng.oneOf(random, candidates)
      const times = prng.int32(random, 1, 3)
      const at = isEditor ? (key === 'Backspace' ? prng.int32(random, block.from + times, block.to) : prng.int32(random, block.from, block.to - times)) : prng.int32(random, block.from, block.to)
      select(editor, at)
      for (let i = 0; i < times; i++) pressKey(editor, key)
      return `presses ${key} ${times}× at ${at}`
    }
    case 'deleteSelection': {
      const range = randomRange(random, all, mayChange)
      if (range === null) return 'finds nothing to delete'
      select(editor, range.from, range.to)
      pressKey(editor, prng.bool(random) ? 'Backspace' : 'Delete')
      return `deletes the selection ${range.from}–${range.to}`
    }
    case 'replace': {
      const range = randomRange(random, all, mayChange)
      if (range === null) return 'finds nothing to replace'
      const text = randomText(random)
      select(editor, range.from, range.to)
      typeText(editor, text)
      return `replaces ${range.from}–${range.to} with ${JSON.stringify(text)}`
    }
    case 'enterAtEnd': {
      const at = prng.oneOf(random, blocks.filter((block) => block.isParagraph)).to
      const text = prng.bool(random) ? randomText(random) : ''
      select(editor, at)
      pressKey(editor, 'Enter')
      typeText(editor, text)
      return `presses Enter at the end of a paragraph (${at}) and types ${JSON.stringify(text)}`
    }
    case 'enter': {
      if (blocks.length === 0) return 'finds nowhere to press Enter'
      const block = prng.oneOf(random, blocks)
      const at = prng.int32(random, block.from, block.to)
      select(editor, at)
      pressKey(editor, 'Enter')
      return `presses Enter at ${at}`
    }
    case 'undo':
    case 'redo': {
      if (!person.mayUndo) return `does not ${kind}`
      if (kind === 'undo') editor.commands.undo()
      else editor.commands.redo()
      return `${kind}es`
    }
    case 'bold': {
      const range = randomRange(random, all, () => true)
      if (range === null) return 'finds nothing to make bold'
      select(editor, range.from, range.to)
      editor.commands.toggleBold()
      return `toggles bold on ${range.from}–${range.to}`
    }
    case 'withdraw': {
      const withheld = newParagraphIds(editor)
      const ids = [...suggestionIdsIn(editor.state.doc)].filter((id) => clientOfSuggestion(id) === person.doc.clientID && !withheld.has(id)).sort()
      if (ids.length === 0) return 'has nothing to withdraw'
      const id = prng.oneOf(random, ids)
      editor.commands.rejectSuggestion(id)
      return `withdraws ${id}`
    }
    case 'review': {
      session.settle()
      const ids = [...suggestionIdsIn(editor.state.doc)].sort()
      if (ids.length === 0) return 'has nothing to review'
      const id = prng.oneOf(random, ids)
      const isAccepting = prng.bool(random)
      if (isAccepting) editor.commands.acceptSuggestion(id)
      else editor.commands.rejectSuggestion(id)
      for (const author of session.people) if (isAccepting && clientOfSuggestion(id) === author.doc.clientID) author.mayUndo = false
      session.settle()
      return `${isAccepting ? 'accepts' : 'rejects'} ${id}`
    }
  }
}

/**
 * Plays `steps` random steps of seed `seed`: each step a random person makes a random edit,
 * then each person sends what they have with some chance, and receives the room's state with
 * some chance, so that edits are often made on a stale copy. Then everyone settles.
 */
function playSession(seed: number, steps: number): Session {
  const random = prng.create(seed)
  const session = new Session()
  for (let n = 0; n < 3; n++) session.join(`suggester ${n + 1}`, 'suggester', 101 + n, true)
  session.join('editor', 'editor', 201, false)
  for (let step = 1; step <= steps && session.refused === null; step++) {
    const person = prng.oneOf(random, session.people)
    const undoManager = undoManagerOf(person.editor)
    const paragraphs = textblocks(person.editor).length
    undoManager.stopCapturing()
    session.log.push(`step ${step}: ${person.name} ${randomEdit(random, session, person)}`)
    undoManager.stopCapturing()
    if (person.role === 'suggester' && textblocks(person.editor).length > paragraphs) person.mayUndo = false
    for (const someone of session.people) if (prng.int32(random, 0, 2) === 0) session.send(someone)
    for (const someone of session.people) if (prng.int32(random, 0, 2) === 0) session.receive(someone)
  }
  session.settle()
  return session
}

/** Every suggestion mark's id with the kind of mark, in `editor`'s document. */
function marksIn(editor: Editor): Array<{ kind: string; id: string }> {
  const marks: Array<{ kind: string; id: string }> = []
  editor.state.doc.descendants((node) => {
    for (const mark of node.marks) if (mark.type.name === SUGGESTION_MARK.insertion || mark.type.name === SUGGESTION_MARK.deletion) marks.push({ kind: mark.type.name, id: String(mark.attrs.id) })
    return true
  })
  return marks
}

const EDITING_SEEDS = process.env.PLAY_SEEDS ? process.env.PLAY_SEEDS.split(',').map(Number) : [1, 2, 3, 4, 5, 6]
const EDITING_STEPS = Number(process.env.PLAY_STEPS ?? 40)

describe('random suggest-mode edits through real editors', () => {
  it.each(EDITING_SEEDS)('are all accepted, converge, and leave only suggestions of their authors (seed %i)', (seed) => {
    const session = playSession(seed, EDITING_STEPS)
    const story = `seed ${seed}:\n${session.log.join('\n')}`
    expect(session.refused, story).toBeNull()
    const { room, people } = session
    for (const person of people) {
      expect(person.outbox, story).toEqual([])
      expect(getBody(person.doc).toString(), `${person.name}'s copy, ${story}`).toBe(getBody(room).toString())
      expect(person.editor.getJSON(), `${person.name}'s editor, ${story}`).toEqual(people[0]!.editor.getJSON())
      expect(getSuggestions(person.doc).toJSON(), story).toEqual(getSuggestions(room).toJSON())
    }
    // Each suggestion mark names a suggester's clientID, and is recorded under that suggester's name.
    const records = getSuggestions(room)
    for (const { kind, id } of marksIn(people[0]!.editor)) {
      const author = people.find((person) => person.role === 'suggester' && person.doc.clientID === clientOfSuggestion(id))
      expect(author, `the author of ${kind} ${id}, ${story}`).toBeDefined()
      expect((records.get(id) as SuggestionRecord | undefined)?.authorId, `the record of ${kind} ${id}, ${story}`).toBe(author!.principal.userId)
    }
    // Text a suggester's client wrote is, while it is marked as an insertion, their own.
    const suggesters = new Set(people.filter((person) => person.role === 'suggester').map((person) => person.doc.clientID))
    for (const [key, character] of snapshot(room).characters) {
      const id = (character.marks[SUGGESTION_MARK.insertion] as { id?: unknown } | undefined)?.id
      if (suggesters.has(character.client) && id !== undefined) expect(clientOfSuggestion(id), `the insertion mark of ${key}, ${story}`).toBe(character.client)
    }
    console.log(`seed ${seed}: ${session.people.map((p) => `${p.name}: ${p.refusals.length} edits declined by the editor`).join('; ')}`)
  })
})

// ————————————————————————————————————————————————————————————————————————————————————————
// The oracle: the rules for a suggester, stated on the document's text and marks.
// ————————————————————————————————————————————————————————————————————————————————————————

/** A Yjs id as a map key. */
const keyOf = (id: Y.ID, offset = 0) => `${id.client}:${id.clock + offset}`

/** A character of the body's text: who wrote it, where it is, and its formatting attributes. */
interface CharacterState {
  readonly client: number
  /** The key of the text node holding it. */
  readonly text: string
  readonly marks: Readonly<Record<string, unknown>>
}

interface ElementState {
  readonly client: number
  readonly nodeName: string
  /** The key of the element it is in (empty at the top level). */
  readonly parent: string
  /** Each attribute's name and the key of the item holding its value. */
  readonly attributes: string
}

interface TextNodeState {
  readonly client: number
  readonly parent: string
  /** Its characters' keys, in order. */
  readonly characters: readonly string[]
  /** Keys of content in it that is neither text nor formatting (embeds). */
  readonly embeds: readonly string[]
}

/** What the oracle looks at in a document. */
interface Snapshot {
  readonly characters: ReadonlyMap<string, CharacterState>
  readonly elements: ReadonlyMap<string, ElementState>
  readonly textNodes: ReadonlyMap<string, TextNodeState>
  /** For every root but the body: its live entries and list items, each as key → item key. */
  readonly roots: ReadonlyMap<string, ReadonlyMap<string, string>>
  readonly suggestions: Y.Map<unknown>
}

/** Every live entry and list item of a root type, as name (or position) → the key of the item holding it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the roots are of any type
function entriesOf(type: Y.AbstractType<any>): Map<string, string> {
  const entries = new Map<string, string>()
  for (const [name, item] of type._map) if (!item.deleted) entries.set(`entry ${name}`, keyOf(item.id))
  let index = 0
  for (let item = type._start; item !== null; item = item.right) if (!item.deleted) entries.set(`item ${index++}`, keyOf(item.id))
  return entries
}

function snapshot(doc: Y.Doc): Snapshot {
  const characters = new Map<string, CharacterState>()
  const elements = new Map<string, ElementState>()
  const textNodes = new Map<string, TextNodeState>()
  const visit = (node: Y.XmlElement | Y.XmlText | Y.XmlFragment, parent: string) => {
    if (node instanceof Y.XmlText) {
      const key = keyOf(node._item!.id)
      const marks: Record<string, unknown> = {}
      const keys: string[] = []
      const embeds: string[] = []
      for (let item = node._start; item !== null; item = item.right) {
        if (item.deleted) continue
        const content = item.content
        if (content instanceof Y.ContentFormat) {
          if (content.value === null) delete marks[content.key]
          else marks[content.key] = content.value
        } else if (content instanceof Y.ContentString) {
          for (let i = 0; i < item.length; i++) {
            characters.set(keyOf(item.id, i), { client: item.id.client, text: key, marks: { ...marks } })
            keys.push(keyOf(item.id, i))
          }
        } else {
          embeds.push(keyOf(item.id))
        }
      }
      textNodes.set(key, { client: node._item!.id.client, parent, characters: keys, embeds })
      return
    }
    let key = ''
    if (node instanceof Y.XmlElement) {
      key = keyOf(node._item!.id)
      const attributes = [...node._map].filter(([, item]) => !item.deleted).map(([name, item]) => `${name}=${keyOf(item.id)}`).sort().join(' ')
      elements.set(key, { client: node._item!.id.client, nodeName: node.nodeName, parent, attributes })
    }
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlElement || child instanceof Y.XmlText) visit(child, key)
      else elements.set(`hook in ${key}`, { client: -1, nodeName: '(hook)', parent: key, attributes: '' })
    }
  }
  visit(getBody(doc), '')
  const roots = new Map<string, Map<string, string>>()
  for (const [name, type] of doc.share) if (name !== ROOT.body) roots.set(name, entriesOf(type))
  return { characters, elements, textNodes, roots, suggestions: getSuggestions(doc) }
}

/** Whose a value of the `insertion` or `deletion` attribute is: nobody's (unset), the sender's, or another's (or not a suggestion at all). */
type Owner = 'none' | 'own' | 'other'

/** The oracle's own reading of a suggestion id: `<clientID>.<counter>`. */
function clientInId(id: unknown): number | null {
  if (typeof id !== 'string') return null
  const match = /^(\d+)\.(\d+)$/.exec(id)
  return match === null ? null : Number(match[1])
}

/**
 * Whether `after` (the room's document with a suggester's update applied) differs from
 * `before` only by that suggester's own suggestions, by the rules: text is removed only where
 * it was the sender's own still-pending suggested text; new text carries the sender's
 * insertion mark (and no one else's deletion mark) and otherwise the formatting around it;
 * old text keeps its formatting, except that a suggestion mark may move between unset and the
 * sender's own (an insertion mark only on the sender's own text), and a deletion mark between
 * another's and the sender's own; new elements are paragraphs
 * of nothing but the sender's suggested text; no element is removed but one the sender added
 * that holds only their pending text, no attribute of an existing element changes; nothing
 * changes outside the body but the sender's own entries of `suggestions`, which record them
 * truthfully. `own` are the sender's clientIDs. Returns every rule broken, empty when legal.
 */
function oracle(before: Y.Doc, after: Y.Doc, own: ReadonlySet<number>, principal: Principal): string[] {
  const broken: string[] = []
  const was = snapshot(before)
  const now = snapshot(after)
  const ownerOf = (value: unknown): Owner => {
    if (value === undefined || value === null) return 'none'
    if (typeof value !== 'object' || Array.isArray(value)) return 'other'
    const client = clientInId((value as { id?: unknown }).id)
    return client !== null && own.has(client) ? 'own' : 'other'
  }
  const isOwnPending = (character: CharacterState) => own.has(character.client) && ownerOf(character.marks[SUGGESTION_MARK.insertion]) === 'own'
  const isSuggestionKey = (key: string) => key === SUGGESTION_MARK.insertion || key === SUGGESTION_MARK.deletion
  const formatting = (character: CharacterState) =>
    JSON.stringify(Object.entries(character.marks).filter(([key]) => !isSuggestionKey(key)).sort(([a], [b]) => (a < b ? -1 : 1)))
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

  // Outside the body: nothing but the sender's own, truthful records.
  for (const name of new Set([...was.roots.keys(), ...now.roots.keys()])) {
    const old = was.roots.get(name) ?? new Map<string, string>()
    const changed = [...new Set([...old.keys(), ...(now.roots.get(name)?.keys() ?? [])])].filter((key) => old.get(key) !== now.roots.get(name)?.get(key))
    if (changed.length === 0) continue
    if (name !== ROOT.suggestions) {
      broken.push(`changes ${name}`)
      continue
    }
    for (const entry of changed) {
      const id = entry.replace(/^entry /, '')
      const client = entry.startsWith('entry ') ? clientInId(id) : null
      if (client === null || !own.has(client)) {
        broken.push(`changes the record of ${id}, not the sender's`)
        continue
      }
      const value = now.suggestions.get(id)
      const isTruthful =
        value === undefined ||
        (isSuggestionRecord(value) && value.authorId === principal.userId && value.authorName === principal.name && value.organisation === (principal.organisation ?? ''))
      if (!isTruthful) broken.push(`records ${id} untruthfully`)
    }
  }

  // Elements: none removed but the sender's own pending paragraphs, none changed, new ones wholly the sender's text.
  const charactersIn = (snap: Snapshot, element: string): CharacterState[] => {
    const found: CharacterState[] = []
    for (const text of snap.textNodes.values()) {
      let parent = text.parent
      while (parent !== '' && parent !== element) parent = snap.elements.get(parent)?.parent ?? ''
      if (parent === element) for (const character of text.characters) found.push(snap.characters.get(character)!)
    }
    return found
  }
  for (const [key, element] of was.elements) {
    const kept = now.elements.get(key)
    if (kept === undefined) {
      const isWithdrawal = element.nodeName === 'paragraph' && own.has(element.client) && charactersIn(was, key).every(isOwnPending)
      if (!isWithdrawal) broken.push(`removes a ${element.nodeName}`)
    } else if (kept.attributes !== element.attributes) {
      broken.push(`changes the attributes of a ${element.nodeName}`)
    }
  }
  for (const [key, element] of now.elements) {
    if (was.elements.has(key)) continue
    const text = charactersIn(now, key)
    if (element.nodeName === 'clause') broken.push('adds a clause')
    else if (text.length === 0 || !text.every((character) => ownerOf(character.marks[SUGGESTION_MARK.insertion]) === 'own')) broken.push(`adds a ${element.nodeName} that is not wholly the sender's suggested text`)
  }
  for (const [key, text] of was.textNodes) {
    if (now.textNodes.has(key) || !now.elements.has(text.parent)) continue
    const isWithdrawal = own.has(text.client) && text.characters.every((character) => isOwnPending(was.characters.get(character)!))
    if (!isWithdrawal) broken.push('removes a text node')
  }
  for (const [key, text] of now.textNodes) {
    const old = was.textNodes.get(key)?.embeds ?? []
    if (text.embeds.some((embed) => !old.includes(embed))) broken.push('adds an embed')
  }
  for (const [key, text] of was.textNodes) {
    const kept = now.textNodes.get(key)?.embeds ?? []
    if (text.embeds.some((embed) => !kept.includes(embed))) broken.push('removes an embed')
  }

  // Text removed: only the sender's own still-pending suggested text.
  for (const [key, character] of was.characters) {
    if (!now.characters.has(key) && !isOwnPending(character)) broken.push(`removes ${key}, not the sender's pending text`)
  }
  // Old text: its formatting kept, its suggestion marks moved only between unset and the sender's own.
  for (const [key, character] of now.characters) {
    const old = was.characters.get(key)
    if (old === undefined) continue
    if (formatting(old) !== formatting(character)) broken.push(`changes the formatting of ${key}`)
    for (const mark of [SUGGESTION_MARK.insertion, SUGGESTION_MARK.deletion]) {
      const [from, to] = [old.marks[mark], character.marks[mark]]
      if (same(from, to)) continue
      const isOwnOrUnset = ownerOf(from) !== 'other' && ownerOf(to) !== 'other'
      // A deletion mark may pass between another's and the sender's own while the text stays marked.
      const staysDeleted = mark === SUGGESTION_MARK.deletion && ownerOf(from) !== 'none' && ownerOf(to) !== 'none' && (ownerOf(from) === 'own' || ownerOf(to) === 'own')
      const mayChange = mark === SUGGESTION_MARK.insertion ? isOwnOrUnset && own.has(character.client) : isOwnOrUnset || staysDeleted
      if (!mayChange) broken.push(`changes the ${mark} mark of ${key} from ${JSON.stringify(from)} to ${JSON.stringify(to)}`)
    }
  }
  /** The formatting of the old text in `text`'s clause proposed for deletion by the same suggestion as `insertion`. */
  const replacedFormatting = (text: TextNodeState, insertion: unknown): string[] => {
    const id = (insertion as { id?: unknown } | undefined)?.id
    const clauseOf = (element: string): string | null => {
      for (let current = element; current !== ''; current = now.elements.get(current)?.parent ?? '') if (now.elements.get(current)?.nodeName === 'clause') return current
      return null
    }
    const clause = clauseOf(text.parent)
    if (typeof id !== 'string' || clause === null) return []
    const found: string[] = []
    for (const other of now.textNodes.values()) {
      if (clauseOf(other.parent) !== clause) continue
      for (const key of other.characters) {
        const character = now.characters.get(key)!
        if (was.characters.has(key) && (character.marks[SUGGESTION_MARK.deletion] as { id?: unknown } | undefined)?.id === id) found.push(formatting(character))
      }
    }
    return found
  }
  // New text: the sender's insertion, no one else's deletion, and the formatting of the old text beside it or that it replaces.
  for (const text of now.textNodes.values()) {
    const old = text.characters.map((key) => was.characters.has(key))
    text.characters.forEach((key, index) => {
      if (old[index]) return
      const character = now.characters.get(key)!
      if (ownerOf(character.marks[SUGGESTION_MARK.insertion]) !== 'own') broken.push(`adds ${key} without the sender's insertion mark`)
      if (ownerOf(character.marks[SUGGESTION_MARK.deletion]) === 'other') broken.push(`adds ${key} with another's deletion mark`)
      const left = text.characters.slice(0, index).findLast((_, i) => old[i])
      const right = text.characters.slice(index + 1).find((_, i) => old[index + 1 + i])
      const beside = [left, right].filter((neighbour) => neighbour !== undefined).map((neighbour) => formatting(now.characters.get(neighbour)!))
      const replaced = replacedFormatting(text, character.marks[SUGGESTION_MARK.insertion])
      const alike = beside.length === 0 ? [formatting({ client: 0, text: '', marks: {} })] : beside
      if (![...alike, ...replaced].includes(formatting(character))) broken.push(`adds ${key} formatted unlike the text beside it or the text it replaces`)
    })
  }
  return broken
}

// ————————————————————————————————————————————————————————————————————————————————————————
// Random raw edits: the referee's verdict against the oracle's.
// ————————————————————————————————————————————————————————————————————————————————————————

/** The suggester sending raw edits, and another suggester whose suggestions are in the room. */
const RAW_SENDER = 301
const RAW_OTHER = 302
const RAW_PRINCIPAL = principalOf(RAW_SENDER, 'Sunrise Homes')

/** The room of `roomDocument` with another suggester's pending insertion and deletion in it. */
function roomWithOthersSuggestions(): Y.Doc {
  const room = roomDocument()
  const other = new Y.Doc()
  other.clientID = RAW_OTHER
  Y.applyUpdate(other, Y.encodeStateAsUpdate(room))
  const id = `${RAW_OTHER}.1`
  other.transact(() => {
    const text = ((getBody(other).get(2) as Y.XmlElement).get(1) as Y.XmlElement).get(0) as Y.XmlText
    text.insert(8, 'formal ', { [SUGGESTION_MARK.insertion]: { id } })
    text.format(22, 8, { [SUGGESTION_MARK.deletion]: { id } })
    getSuggestions(other).set(id, { authorId: 'user-302', authorName: 'Person 302', organisation: 'Sunrise Homes', createdAt: 1 } satisfies SuggestionRecord)
  })
  Y.applyUpdate(room, Y.encodeStateAsUpdate(other))
  return room
}

/** Every paragraph's and heading's text in `doc`, in document order. */
function textsIn(doc: Y.Doc): Y.XmlText[] {
  const texts: Y.XmlText[] = []
  const visit = (node: Y.XmlElement | Y.XmlFragment) => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) texts.push(child)
      else if (child instanceof Y.XmlElement) visit(child)
    }
  }
  visit(getBody(doc))
  return texts
}

/**
 * One random raw edit by the sender on `doc` (their copy of the room), as a forger or a buggy
 * client might send: text with any marks, deletions and formatting anywhere, records, clause
 * status, paragraphs added or removed. Whole-clause proposals are left to the hand-built table
 * (tests/unit/suggestionRules.test.ts): the oracle does not state their rules.
 */
function randomRawEdit(random: prng.PRNG, doc: Y.Doc, counter: { next: number }): string {
  const own = () => ({ id: `${RAW_SENDER}.${counter.next}` })
  const markChoices = [() => ({ id: `${RAW_OTHER}.1` }), own, own, () => null, () => ({ id: 'not-an-id' })]
  const texts = textsIn(doc).filter((text) => text.length > 0)
  const text = prng.oneOf(random, texts)
  const at = prng.int32(random, 0, text.length)
  const length = Math.min(prng.int32(random, 1, 6), text.length - Math.min(at, text.length - 1))
  const from = Math.min(at, text.length - 1)
  const kind = prng.int32(random, 0, 11)
  if (kind <= 3) {
    const attributes: Record<string, unknown> = {}
    if (prng.int32(random, 0, 4) > 0) attributes[SUGGESTION_MARK.insertion] = prng.oneOf(random, markChoices)()
    if (prng.int32(random, 0, 5) === 0) attributes[SUGGESTION_MARK.deletion] = prng.oneOf(random, markChoices)()
    if (prng.int32(random, 0, 5) === 0) attributes.bold = prng.bool(random) ? {} : null
    const words = prng.word(random, 1, 5)
    text.insert(at, words, attributes)
    return `inserts ${JSON.stringify(words)} at ${at} with ${JSON.stringify(attributes)}`
  }
  if (kind <= 5) {
    text.delete(from, length)
    return `deletes ${from}+${length}`
  }
  if (kind <= 8) {
    const key = prng.oneOf(random, [SUGGESTION_MARK.deletion, SUGGESTION_MARK.deletion, SUGGESTION_MARK.insertion, 'bold'])
    const value = key === 'bold' ? (prng.bool(random) ? {} : null) : prng.oneOf(random, markChoices)()
    text.format(from, length, { [key]: value })
    return `formats ${from}+${length} with ${key}=${JSON.stringify(value)}`
  }
  if (kind === 9) {
    const isOwn = prng.int32(random, 0, 3) > 0
    const id = isOwn ? `${RAW_SENDER}.${counter.next}` : `${RAW_OTHER}.1`
    const isTruthful = prng.int32(random, 0, 3) > 0
    const record: SuggestionRecord = { authorId: isTruthful ? RAW_PRINCIPAL.userId : 'user-302', authorName: RAW_PRINCIPAL.name, organisation: RAW_PRINCIPAL.organisation ?? '', createdAt: 2 }
    if (prng.int32(random, 0, 4) === 0) getSuggestions(doc).delete(id)
    else getSuggestions(doc).set(id, record)
    return `records ${id} (${isTruthful ? 'truthfully' : 'under another name'})`
  }
  if (kind === 10) {
    const clause = getBody(doc).get(prng.int32(random, 0, getBody(doc).length - 1)) as Y.XmlElement
    const paragraph = new Y.XmlElement('paragraph')
    const inside = new Y.XmlText()
    paragraph.insert(0, [inside])
    const isMarked = prng.int32(random, 0, 2) > 0
    clause.insert(clause.length, [paragraph])
    inside.insert(0, prng.word(random, 1, 6), isMarked ? { [SUGGESTION_MARK.insertion]: own() } : {})
    return `adds a paragraph${isMarked ? ' of its own suggested text' : ' of plain text'}`
  }
  if (prng.bool(random)) {
    const clause = getBody(doc).get(prng.int32(random, 0, getBody(doc).length - 1)) as Y.XmlElement
    if (clause.length > 1) clause.delete(clause.length - 1, 1)
    return 'removes the last block of a clause'
  }
  const clauseId = String((getBody(doc).get(0) as Y.XmlElement).getAttribute('clauseId'))
  getClauses(doc).set(clauseId, { status: 'agreed' })
  return 'sets a clause status'
}

const RAW_SEEDS = process.env.RAW_SEEDS ? process.env.RAW_SEEDS.split(',').map(Number) : [1, 2, 3, 4]
const RAW_STEPS = Number(process.env.RAW_STEPS ?? 150)

describe('random raw edits by a suggester', () => {
  it.each(RAW_SEEDS)('are accepted by the referee exactly when the oracle finds them legal (seed %i)', (seed) => {
    const random = prng.create(seed)
    const room = roomWithOthersSuggestions()
    const counter = { next: 1 }
    let accepted = 0
    let refused = 0
    for (let step = 1; step <= RAW_STEPS; step++) {
      const client = new Y.Doc()
      client.clientID = RAW_SENDER
      Y.applyUpdate(client, Y.encodeStateAsUpdate(room))
      const before = Y.encodeStateVector(client)
      let what = ''
      client.transact(() => {
        what = randomRawEdit(random, client, counter)
        // Now and then two edits in one update.
        if (prng.int32(random, 0, 3) === 0) what += `, then ${randomRawEdit(random, client, counter)}`
      })
      const update = Y.encodeStateAsUpdate(client, before)
      if (update.byteLength <= 2) continue
      const after = new Y.Doc()
      Y.applyUpdate(after, Y.encodeStateAsUpdate(room))
      Y.applyUpdate(after, update)
      const broken = oracle(room, after, new Set([RAW_SENDER]), RAW_PRINCIPAL)
      let refusal: string | null = null
      try {
        validateByRole(contextFor(room, update, 'suggester', RAW_PRINCIPAL, new Set([RAW_SENDER])))
      } catch (error) {
        if (!(error instanceof SyncRefusal)) throw error
        refusal = error.reason
      }
      const story = `seed ${seed}, step ${step}: the suggester ${what}; the oracle: ${JSON.stringify(broken)}; the referee: ${refusal ?? 'accepted'}`
      expect(refusal === null, story).toBe(broken.length === 0)
      if (refusal === null) {
        Y.applyUpdate(room, update)
        accepted++
        counter.next++
      } else {
        refused++
      }
    }
    // Both kinds of verdict were reached, so the comparison said something.
    expect(accepted, `seed ${seed}: edits accepted`).toBeGreaterThan(5)
    expect(refused, `seed ${seed}: edits refused`).toBeGreaterThan(5)
  })
})

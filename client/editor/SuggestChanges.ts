/**
 * Suggesting mode: while it is on, what a person types, deletes or replaces becomes their own
 * tracked suggestion (see `suggestionTransaction.ts`) instead of changing the contract, and each
 * new suggestion is recorded in the contract's `suggestions` map under their name, in the same
 * Yjs transaction as its marked text. Reviewers accept or reject a suggestion, or many at once,
 * each time as one undoable step that also removes the records.
 *
 * Only this editor's own edits are turned into suggestions. Changes drawn from the shared
 * document (a colleague's typing, this person's undo and redo, a clause moved on the Yjs
 * elements) carry the sync plugin's meta and pass through untouched: turning a colleague's
 * change into one's own suggestion would corrupt the document for everyone (issue #12 of
 * `@handlewithcare/prosemirror-suggest-changes`).
 *
 * A whole clause can be proposed too: "New clause" adds an empty clause carrying the person's
 * `insertion` attribute, inside which they then write freely (it is all part of the proposal),
 * and "Delete clause" puts their `deletion` attribute on the clause instead of deleting it (see
 * `clauseSuggestions.ts`); reviewing one keeps or removes the clause.
 *
 * Suggestion ids are `suggestionId(doc.clientID, counter)`: the counter starts after the
 * highest one this clientID already used in the document and only goes up, so ids never
 * collide between people or within a session.
 */
import { Extension, Mark } from '@tiptap/core'
import { Fragment, type Mark as ProseMirrorMark, type Node as ProseMirrorNode, Slice } from '@tiptap/pm/model'
import { EditorState, Plugin, PluginKey, Selection, TextSelection, type Transaction } from '@tiptap/pm/state'
import { AddMarkStep, RemoveMarkStep, ReplaceStep } from '@tiptap/pm/transform'
import { applySuggestion, revertSuggestion, suggestChangesKey } from '@handlewithcare/prosemirror-suggest-changes'
import { ySyncPluginKey, yUndoPluginKey } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { type SuggestionRecord, clientOfSuggestion, suggestionId } from '../../shared/domain/suggestions.ts'
import type { Command } from '@tiptap/pm/state'
import { isSuggestionMark, suggestionIdsIn } from '../../shared/editor/SuggestionMarks.ts'
import { LOCKED_CLAUSE_MESSAGE, changesLockedClause, clauseLockingKey } from '../../shared/editor/ClauseLocking.ts'
import { getSuggestions } from '../../shared/ydoc/schema.ts'
import { SUGGESTION_REFUSAL, changesFormatting, sameFormatting, suggestTransaction } from './suggestionTransaction.ts'
import { suggestionHighlights } from './SuggestionHighlights.ts'
import { planTextEdits, writeTextEdits } from './suggestionText.ts'
import { textblockEdit } from '../../shared/editor/textblockEdit.ts'
import { PARAGRAPH_MARK, addParagraphMarkReviewSteps, asParagraphMark } from './paragraphMarks.ts'
import {
  type ReviewDecision,
  addClauseReviewSteps,
  hasClauseSuggestion,
  isWithinOwnProposedClauses,
  proposedClauseHolding,
  proposeClauseAfter,
  proposeClauseDeletion,
} from './clauseSuggestions.ts'

/** Who is suggesting: what their records say about them (the server checks it is true). */
export interface SuggestionAuthor {
  readonly id: string
  readonly name: string
  /** Their organisation's name, or '' when they have none. */
  readonly organisation: string
}

export interface SuggestChangesOptions {
  /** The contract's Y.Doc: its clientID names new suggestions, its `suggestions` map records them. */
  doc: Y.Doc | null
  /** The signed-in person; without one, nothing can be suggested. */
  author: SuggestionAuthor | null
  /** Whether the editor starts in Suggesting mode (default false). */
  isSuggesting: boolean
  /** Told why an edit was not made (e.g. formatting, which cannot be suggested). */
  onRefused: (message: string) => void
}

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    suggestChanges: {
      /** Turns Suggesting mode on or off. */
      setSuggesting: (isSuggesting: boolean) => ReturnType
      /** Accepts the suggestion `id`: its insertions stay, its deletions go, its record goes. */
      acceptSuggestion: (id: string) => ReturnType
      /** Rejects (or withdraws) the suggestion `id`: its insertions go, its deletions stay, its record goes. */
      rejectSuggestion: (id: string) => ReturnType
      /**
       * Accepts every suggestion of `ids` that is in the document, as one undoable step (one
       * transaction, one Yjs transaction, their records removed in it); false when none is.
       */
      acceptSuggestions: (ids: readonly string[]) => ReturnType
      /** Rejects every suggestion of `ids` that is in the document, as one undoable step; false when none is. */
      rejectSuggestions: (ids: readonly string[]) => ReturnType
      /**
       * In Suggesting mode, proposes a new, empty clause after the current one as a suggestion
       * of one's own, recorded in the same Yjs transaction; the cursor goes to its heading.
       */
      proposeClause: () => ReturnType
      /** In Suggesting mode, proposes deleting the current clause as a suggestion of one's own, recorded with it. */
      proposeClauseDeletion: () => ReturnType
    }
  }
}

/** Whether the editor is in Suggesting mode. */
export const suggestModeKey = new PluginKey<boolean>('suggestMode')

/** Whether `state`'s editor is in Suggesting mode. */
export function isSuggesting(state: EditorState): boolean {
  return suggestModeKey.getState(state) === true
}

/**
 * The `modification` mark: `@handlewithcare/prosemirror-suggest-changes` looks it up in the
 * schema before doing anything. It is never written (formatting cannot be suggested, and the
 * server refuses it), so it lives only in the editor, not in the shared schema.
 */
const Modification = Mark.create({
  name: 'modification',
  inclusive: false,
  addAttributes() {
    return { id: { default: null }, type: { default: null }, attrName: { default: null }, previousValue: { default: null }, newValue: { default: null } }
  },
  renderHTML() {
    return ['span', { 'data-type': 'modification' }, 0]
  },
})

export const MOVES_REFUSED = 'Clauses cannot be moved in Suggesting mode.'

/** The clientID this editor suggests as, and the next counter it will use with it. */
interface IdCounter {
  clientId: number
  next: number
}

/** What the proposing commands need of the extension. */
interface ProposingContext {
  readonly options: SuggestChangesOptions
  readonly storage: SuggestChangesStorage
}

interface SuggestChangesStorage {
  counter: IdCounter | null
  /** Runs a whole-clause proposal (see {@link proposeWholeClause}). */
  propose: typeof proposeWholeClause
}

export const SuggestChanges = Extension.create<SuggestChangesOptions, SuggestChangesStorage>({
  name: 'suggestChanges',
  // Its keys and its dispatch come before the clause commands' and everything else's.
  priority: 1000,

  addOptions() {
    return { doc: null, author: null, isSuggesting: false, onRefused: () => {} }
  },

  addStorage() {
    return { counter: null, propose: proposeWholeClause }
  },

  addExtensions() {
    return [Modification]
  },

  addCommands() {
    return {
      setSuggesting:
        (on) =>
        ({ tr, dispatch }) => {
          if (dispatch) tr.setMeta(suggestModeKey, on)
          return true
        },
      acceptSuggestion:
        (id) =>
        ({ state, dispatch, tr, editor }) =>
          review(editor.view, state, tr, dispatch !== undefined, this.options.doc, [id], 'accept'),
      rejectSuggestion:
        (id) =>
        ({ state, dispatch, tr, editor }) =>
          review(editor.view, state, tr, dispatch !== undefined, this.options.doc, [id], 'reject'),
      acceptSuggestions:
        (ids) =>
        ({ state, dispatch, tr, editor }) =>
          review(editor.view, state, tr, dispatch !== undefined, this.options.doc, ids, 'accept'),
      rejectSuggestions:
        (ids) =>
        ({ state, dispatch, tr, editor }) =>
          review(editor.view, state, tr, dispatch !== undefined, this.options.doc, ids, 'reject'),
      proposeClause: () => (props) => {
        const clauseEditing = props.editor.extensionManager.extensions.find((extension) => extension.name === 'clauseEditing')
        const newClauseId = (clauseEditing?.options as { newClauseId?: () => string } | undefined)?.newClauseId ?? (() => crypto.randomUUID())
        return this.storage.propose(this, props, (id) => proposeClauseAfter(newClauseId, id))
      },
      proposeClauseDeletion: () => (props) => this.storage.propose(this, props, proposeClauseDeletion),
    }
  },

  addKeyboardShortcuts() {
    const refuse = (message: string) => () => {
      if (!isSuggesting(this.editor.state)) return false
      this.options.onRefused(message)
      return true
    }
    return {
      // Moves are made on the shared elements, past the transaction filter: stop them here.
      'Mod-Alt-ArrowUp': refuse(MOVES_REFUSED),
      'Mod-Alt-ArrowDown': refuse(MOVES_REFUSED),
      // A new clause is proposed as a whole.
      'Mod-Enter': () => {
        if (!isSuggesting(this.editor.state)) return false
        if (!this.editor.commands.proposeClause()) this.options.onRefused(this.options.author === null ? SIGN_IN_TO_SUGGEST : SUGGESTION_REFUSAL.structure)
        return true
      },
      Enter: () => {
        const { state } = this.editor
        if (!isSuggesting(state)) return false
        const { $from, empty } = state.selection
        // Inside one's own proposed clause, Enter is what it always is.
        if (proposedClauseHolding(state.doc, $from.pos, state.selection.to, ownershipTest(this.options, this.options.author)) !== null) return false
        // At the end of a paragraph, a new one is suggested; anywhere else in it, a break
        // there (as a paragraph mark, see paragraphMarks.ts), typed over what is selected.
        if (empty && $from.parent.isTextblock && $from.parentOffset === $from.parent.content.size) return false
        if ($from.parent.type.name === 'paragraph' && $from.sameParent(state.selection.$to)) {
          this.editor.view.dispatch(state.tr.insertText(PARAGRAPH_MARK).scrollIntoView())
          return true
        }
        this.options.onRefused(SUGGESTION_REFUSAL.structure)
        return true
      },
    }
  },

  dispatchTransaction({ transaction, next }) {
    const { editor, options, storage } = this
    const state = editor.state
    if (isFromSharedDocument(transaction) || transaction.getMeta(suggestChangesKey)?.skip) {
      // A colleague's typed address was linked (or not) in their own editor: looking for
      // addresses to link in the whole document it replaced would only cost time.
      if (isFromSharedDocument(transaction)) transaction.setMeta('preventAutolink', true)
      next(transaction)
      return
    }
    if (!isSuggesting(state)) {
      // Written exactly where it was made, not as the binding's diff would guess: the shared
      // document then says which characters are new, and comment anchors and suggestions
      // next to an edit stay on the characters they were made on (see suggestionText.ts).
      const edits = transaction.docChanged && options.doc !== null ? textEditsOf(state, transaction) : null
      if (edits === null || edits.length === 0) next(transaction)
      else inBodyTransaction(options.doc, () => next(transaction), edits, () => {})
      return
    }
    if (!transaction.docChanged) {
      // Turning bold on (with nothing selected) would make the next typed text bold.
      if (transaction.storedMarksSet && changesFormatting(state, transaction.storedMarks)) {
        options.onRefused(SUGGESTION_REFUSAL.formatting)
        return
      }
      next(transaction)
      return
    }
    // Tracking turns a deletion into marks, which the locked-clause guard does not see as a
    // change of the text: judge the edit as it was made.
    if (changesLockedClause(transaction, clauseLockingKey.getState(state)?.locked ?? [])) {
      options.onRefused(LOCKED_CLAUSE_MESSAGE)
      return
    }
    const { doc, author } = options
    if (author === null) {
      options.onRefused(SIGN_IN_TO_SUGGEST)
      return
    }
    const clientId = doc?.clientID ?? 0
    const records = doc ? getSuggestions(doc) : null
    const counter = counterFor(storage, clientId, state.doc, records)
    let issued = counter.next
    const isOwn = ownershipTest(options, author)
    // Inside a clause they proposed, the author writes the proposal itself: nothing to track.
    if (isWithinOwnProposedClauses(transaction, isOwn)) {
      next(transaction)
      return
    }
    const as = { isOwn, newId: () => suggestionId(clientId, issued++) }
    // A paragraph split or joined is proposed as a paragraph mark (see paragraphMarks.ts).
    const paragraphMark = asParagraphMark(state, transaction, as.newId)
    const outcome =
      paragraphMark?.proposed !== undefined
        ? { tr: paragraphMark.proposed, ids: new Set(paragraphMark.id === null ? [] : [paragraphMark.id]) }
        : suggestTransaction(state, paragraphMark?.typed ?? transaction, as)
    if (outcome.refusal !== undefined) {
      options.onRefused(outcome.refusal)
      return
    }
    const { tr, ids } = outcome
    // A new paragraph carries on the formatting of the end of the one before (bold, say) for
    // what is typed next; in a suggestion that would format the new words unlike the text
    // beside them, which a suggestion cannot: type them as the text where the cursor now is.
    if (tr.storedMarks !== null && !sameFormatting(tr.storedMarks, tr.selection.$from.marks())) tr.setStoredMarks(null)
    for (const id of ids) {
      const count = counterOf(id, clientId)
      if (count !== null && count >= counter.next) counter.next = count + 1
    }
    const gone = ownIdsTakenOut(tr, isOwn)
    inBodyTransaction(
      doc,
      () => next(tr),
      textEditsOf(state, tr),
      () => {
        if (records === null) return
        const now = editor.state
        for (const id of ids) {
          if (!records.has(id) && isPresent(now, id)) records.set(id, { authorId: author.id, authorName: author.name, organisation: author.organisation, createdAt: Date.now() } satisfies SuggestionRecord)
        }
        for (const id of gone) if (records.has(id) && !isPresent(now, id)) records.delete(id)
      },
    )
  },

  addProseMirrorPlugins() {
    const { doc, author, isSuggesting: startsSuggesting } = this.options
    // The person's own suggestions that colleagues' changes just brought (back) into the text.
    const arrived = new Set<string>()
    const ownClient = () => doc?.clientID ?? 0
    return [
      new Plugin<boolean>({
        key: suggestModeKey,
        state: {
          init: () => startsSuggesting,
          apply: (tr, previous) => {
            if (tr.docChanged && isFromSharedDocument(tr)) for (const id of suggestionIdsChangedBy(tr)) if (clientOfSuggestion(id) === ownClient()) arrived.add(id)
            const next = tr.getMeta(suggestModeKey) as boolean | undefined
            return typeof next === 'boolean' ? next : previous
          },
        },
        view: (view) => {
          // Undoing a suggestion also takes back its record; undoing an accept puts the record back.
          const undoManager = undoManagerOf(view.state)
          if (doc !== null && undoManager !== null) undoManager.addToScope(getSuggestions(doc))
          return {
            // A colleague's concurrent change can bring back text marked with a suggestion of
            // this person's that they had just withdrawn (a paragraph split writes its text
            // anew, marks and all): its author records it again, so it is never anonymous.
            update: (current) => {
              if (arrived.size === 0) return
              const ids = [...arrived]
              arrived.clear()
              if (doc === null || author === null) return
              const records = getSuggestions(doc)
              const missing = ids.filter((id) => !records.has(id) && suggestionIdsIn(current.state.doc).has(id))
              if (missing.length === 0) return
              doc.transact(() => {
                for (const id of missing) records.set(id, { authorId: author.id, authorName: author.name, organisation: author.organisation, createdAt: Date.now() } satisfies SuggestionRecord)
              }, RECORD_REPAIR)
            },
          }
        },
        // A plugin's follow-up change (the link extension's autolink marking a typed address)
        // bypasses the tracking: while suggesting, no change of one's own that formats text
        // is made, unless it is a review (which is applied as it is).
        filterTransaction: (tr, state) =>
          !(isSuggesting(state) && !isFromSharedDocument(tr) && (tr.getMeta(suggestChangesKey) as { skip?: boolean } | undefined)?.skip !== true && formatsText(tr)),
        props: {
          attributes: (state): Record<string, string> => (isSuggesting(state) ? { 'data-mode': 'suggesting' } : {}),
          // Suggestion marks are never pasted: copied from a suggestion, the text is plain text.
          // While suggesting, neither is other formatting, which cannot be suggested.
          transformPasted: (slice, view) => stripMarks(slice, isSuggesting(view.state) ? () => true : isSuggestionMark),
          // The tracking anchors a suggested paragraph break on an invisible zero-width space:
          // the arrow keys step over it, so that the cursor never seems stuck.
          handleKeyDown: (view, event) => {
            const { selection } = view.state
            if (!(selection instanceof TextSelection) || !selection.empty || event.shiftKey) return false
            const $cursor = selection.$from
            const step = event.key === 'ArrowRight' && $cursor.nodeAfter?.text?.startsWith(ZERO_WIDTH_SPACE) ? 1 : event.key === 'ArrowLeft' && $cursor.nodeBefore?.text?.endsWith(ZERO_WIDTH_SPACE) ? -1 : 0
            if (step !== 0) view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, $cursor.pos + step)))
            return false
          },
        },
      }),
      suggestionHighlights(doc ? getSuggestions(doc) : null),
    ]
  },
})

const ZERO_WIDTH_SPACE = '\u200B'

const SIGN_IN_TO_SUGGEST = 'Sign in to suggest changes.'

/** The id counter of `clientId`, started after the highest counter it used in `doc` or the records. */
function counterFor(storage: { counter: IdCounter | null }, clientId: number, doc: ProseMirrorNode, records: Y.Map<unknown> | null): IdCounter {
  if (storage.counter?.clientId !== clientId) storage.counter = { clientId, next: firstFreeCounter(clientId, doc, records) }
  return storage.counter
}

/** Whether a suggestion id is `author`'s own: made by this editor's clientID, or recorded under their name. */
function ownershipTest(options: SuggestChangesOptions, author: SuggestionAuthor | null): (id: string) => boolean {
  const clientId = options.doc?.clientID ?? 0
  const records = options.doc ? getSuggestions(options.doc) : null
  return (id) => {
    if (clientOfSuggestion(id) === clientId) return true
    const record = records?.get(id) as SuggestionRecord | undefined
    return author !== null && record?.authorId === author.id
  }
}

/** The parts of a Tiptap command's props a proposal uses. */
interface ProposalProps {
  state: EditorState
  tr: Transaction
  dispatch?: unknown
  editor: { view: { dispatch: (tr: Transaction) => void } }
}

/**
 * Proposes a whole-clause change as a new suggestion of the author's: `make(id)` is the command
 * that changes the clause, given a fresh id of theirs. Without `dispatch` it answers "can I?".
 * Dispatching, the change is applied as it is (it is already expressed as the suggestion) and
 * its record written in the same Yjs transaction, as an undo step of its own.
 */
function proposeWholeClause({ options, storage }: ProposingContext, { state, tr, dispatch, editor }: ProposalProps, make: (id: string) => Command): boolean {
  const { doc, author } = options
  if (!isSuggesting(state) || author === null || tr.docChanged) return false
  const clientId = doc?.clientID ?? 0
  const records = doc ? getSuggestions(doc) : null
  const counter = counterFor(storage, clientId, state.doc, records)
  const id = suggestionId(clientId, counter.next)
  if (dispatch === undefined) return make(id)(state)
  // On a plain state: a command's state hands out the chain's own transaction as `state.tr`.
  const plain = EditorState.create({ schema: state.schema, doc: state.doc, selection: state.selection })
  let made: Transaction | null = null
  if (!make(id)(plain, (one) => (made = one)) || made === null) return false
  const proposal: Transaction = made
  counter.next += 1
  for (const step of proposal.steps) tr.step(step)
  if (proposal.selectionSet) tr.setSelection(Selection.fromJSON(tr.doc, proposal.selection.toJSON()))
  if (proposal.scrolledIntoView) tr.scrollIntoView()
  tr.setMeta(suggestChangesKey, { skip: true })
  // The proposal dispatches the chain's transaction itself, inside the Yjs transaction below.
  tr.setMeta('preventDispatch', true)
  const undoManager = undoManagerOf(state)
  undoManager?.stopCapturing()
  inBodyTransaction(
    doc,
    () => editor.view.dispatch(tr),
    null,
    () => records?.set(id, { authorId: author.id, authorName: author.name, organisation: author.organisation, createdAt: Date.now() } satisfies SuggestionRecord),
  )
  undoManager?.stopCapturing()
  return true
}

/** The origin of a record written again by its author's client (not an undo step). */
const RECORD_REPAIR = Symbol('suggestion record repair')

/** The ids of the suggestion marks in the parts of `tr`'s document that its steps changed. */
function suggestionIdsChangedBy(tr: Transaction): Set<string> {
  const ids = new Set<string>()
  const collect = (node: ProseMirrorNode) => {
    for (const mark of node.marks) if (isSuggestionMark(mark) && typeof mark.attrs.id === 'string') ids.add(mark.attrs.id)
    return true
  }
  // A colleague's typing arrives as the whole document replaced: look at the paragraph it changed.
  const edit = textblockEdit(tr.before, tr.doc)
  if (edit !== null) {
    tr.doc.nodesBetween(edit.from, edit.to, collect)
    return ids
  }
  tr.mapping.maps.forEach((map, i) => {
    map.forEach((_oldStart, _oldEnd, newStart, newEnd) => {
      const from = tr.mapping.slice(i + 1).map(newStart, -1)
      const to = Math.min(tr.mapping.slice(i + 1).map(newEnd, 1), tr.doc.content.size)
      if (from < to) tr.doc.nodesBetween(from, to, collect)
    })
  })
  return ids
}

/** Whether `tr` adds or removes a mark other than a suggestion's. */
function formatsText(tr: Transaction): boolean {
  return tr.steps.some((step) => (step instanceof AddMarkStep || step instanceof RemoveMarkStep) && !isSuggestionMark(step.mark))
}

/** Whether `tr` was drawn from the shared document (a colleague's change, an undo or redo). */
function isFromSharedDocument(tr: Transaction): boolean {
  return tr.getMeta(ySyncPluginKey) !== undefined || tr.getMeta('history$') !== undefined
}

/** The editor's Yjs undo manager (made by the collaboration extension), if it has one. */
function undoManagerOf(state: EditorState): Y.UndoManager | null {
  return (yUndoPluginKey.getState(state) as { undoManager?: Y.UndoManager } | undefined)?.undoManager ?? null
}

/**
 * Runs `dispatch` (which applies a ProseMirror transaction) and `alongside` (which writes to
 * other parts of `doc`) so that both land in the one Yjs transaction the collaboration binding
 * makes to write the editor's change: the server then receives them in one update, and one
 * undo step covers both. `edits`, the change's text edits, are written first, before the
 * binding compares the text (see `suggestionText.ts`). If the binding wrote nothing,
 * `alongside` runs in a transaction of its own with the binding's origin (so that undo still
 * tracks it).
 */
function inBodyTransaction(doc: Y.Doc | null, dispatch: () => void, edits: TextEdits | null, alongside: () => void): void {
  if (doc === null) {
    dispatch()
    return
  }
  let joined = false
  const join = (transaction: Y.Transaction) => {
    if (joined || transaction.origin !== ySyncPluginKey) return
    joined = true
    if (edits !== null) writeTextEdits(edits)
    alongside()
  }
  doc.on('beforeTransaction', join)
  try {
    dispatch()
  } finally {
    doc.off('beforeTransaction', join)
  }
  if (!joined) doc.transact(alongside, ySyncPluginKey)
}

/** A library command reviewing one suggestion (`applySuggestion` or `revertSuggestion`). */
type ReviewCommand = (id: string) => (state: EditorState, dispatch?: (tr: Transaction) => void) => boolean

/** The library's command for each decision on a suggestion's marks. */
const MARK_REVIEW: Record<ReviewDecision, ReviewCommand> = { accept: applySuggestion, reject: revertSuggestion }

/**
 * Accepts or rejects the suggestions `ids`, as one step of its own on the undo
 * stack, removing their records in the same Yjs transaction. Answers "can I?" (is any of them
 * in the document) when not dispatching.
 */
function review(
  view: { dispatch: (tr: Transaction) => void },
  state: EditorState,
  chainTr: Transaction,
  isDispatching: boolean,
  doc: Y.Doc | null,
  ids: readonly string[],
  decision: ReviewDecision,
): boolean {
  if (!isDispatching) {
    const current = bareState(state.doc)
    return ids.some((id) => MARK_REVIEW[decision](id)(current) || hasClauseSuggestion(current.doc, id))
  }
  const reviewed = addReviewSteps(chainTr, ids, decision)
  if (reviewed.length === 0) return false
  // Applied as it is: not tracked as a suggestion of the reviewer's.
  chainTr.setMeta(suggestChangesKey, { skip: true })
  // The review dispatches the chain's transaction itself, inside the Yjs transaction below.
  chainTr.setMeta('preventDispatch', true)
  const undoManager = undoManagerOf(state)
  undoManager?.stopCapturing()
  inBodyTransaction(
    doc,
    () => view.dispatch(chainTr),
    textEditsOf(state, chainTr),
    () => {
      if (doc === null) return
      const records = getSuggestions(doc)
      for (const id of reviewed) records.delete(id)
    },
  )
  undoManager?.stopCapturing()
  return true
}

/**
 * Adds to `tr` the steps reviewing each of `ids` in turn, each on the document the ones before
 * it left (as if reviewed one after the other), and returns the ids it reviewed: those still
 * in the document, as marked text or as a whole clause.
 */
function addReviewSteps(tr: Transaction, ids: readonly string[], decision: ReviewDecision): string[] {
  const reviewed: string[] = []
  for (const id of ids) {
    const hasParagraphMarks = addParagraphMarkReviewSteps(tr, id, decision)
    let made: Transaction | null = null
    const hasMarks = MARK_REVIEW[decision](id)(bareState(tr.doc), (one) => (made = one)) && made !== null
    if (hasMarks) for (const step of (made as unknown as Transaction).steps) tr.step(step)
    const hasClause = addClauseReviewSteps(tr, id, decision)
    if (hasParagraphMarks || hasMarks || hasClause) reviewed.push(id)
  }
  return reviewed
}

/**
 * A state of `doc` alone, for the library's review commands: they read only the document and
 * schema and make their own transaction, which then belongs to no command chain, and no
 * plugin's state is computed for each suggestion reviewed.
 */
function bareState(doc: ProseMirrorNode): EditorState {
  return EditorState.create({ schema: doc.type.schema, doc })
}

type TextEdits = NonNullable<ReturnType<typeof planTextEdits>>

/** The text edits of `tr` on the shared document bound to `state`'s editor, or null to leave them to the binding. */
function textEditsOf(state: EditorState, tr: Transaction): TextEdits | null {
  const fragment = (ySyncPluginKey.getState(state) as { type?: unknown } | undefined)?.type
  return fragment instanceof Y.XmlFragment ? planTextEdits(fragment, tr) : null
}

/** The counter in `id` if `clientId` made it, else null. */
function counterOf(id: string, clientId: number): number | null {
  if (clientOfSuggestion(id) !== clientId) return null
  return Number(id.slice(id.indexOf('.') + 1))
}

/** One more than the highest counter `clientId` used in `doc` or in the records (1 if none). */
function firstFreeCounter(clientId: number, doc: ProseMirrorNode, records: Y.Map<unknown> | null): number {
  let highest = 0
  for (const id of [...suggestionIdsIn(doc), ...(records?.keys() ?? [])]) highest = Math.max(highest, counterOf(id, clientId) ?? 0)
  return highest + 1
}

/**
 * The person's own suggestion ids whose text or marks `tr` takes out somewhere: each may be
 * gone from the document afterwards, and then its record should go too.
 */
function ownIdsTakenOut(tr: Transaction, isOwn: (id: string) => boolean): Set<string> {
  const ids = new Set<string>()
  tr.steps.forEach((step, i) => {
    if (step instanceof RemoveMarkStep && isSuggestionMark(step.mark)) ids.add(String(step.mark.attrs.id))
    if (step instanceof ReplaceStep && step.from < step.to) {
      tr.docs[i]!.nodesBetween(step.from, step.to, (node) => {
        for (const mark of node.marks) if (isSuggestionMark(mark)) ids.add(String(mark.attrs.id))
        return true
      })
    }
  })
  return new Set([...ids].filter(isOwn))
}

/** Whether the suggestion `id` is still in `state`'s document: looked for around the cursor first. */
function isPresent(state: EditorState, id: string): boolean {
  const hasId = (node: ProseMirrorNode) => node.marks.some((mark) => isSuggestionMark(mark) && mark.attrs.id === id)
  let found = false
  state.selection.$from.parent.forEach((node) => {
    if (hasId(node)) found = true
  })
  return found || suggestionIdsIn(state.doc).has(id)
}

/** `slice` without the marks `strip` picks. */
function stripMarks(slice: Slice, strip: (mark: ProseMirrorMark) => boolean): Slice {
  const clean = (fragment: Fragment): Fragment => {
    const children: ProseMirrorNode[] = []
    fragment.forEach((node) => {
      const marks = node.marks.filter((mark) => !strip(mark))
      children.push(node.isText ? node.mark(marks) : node.copy(clean(node.content)).mark(marks))
    })
    return Fragment.fromArray(children)
  }
  return new Slice(clean(slice.content), slice.openStart, slice.openEnd)
}

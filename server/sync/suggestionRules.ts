/**
 * What a suggester may change: only their own suggestions (issue: tracked revisions). An update
 * from someone who may suggest but not edit is judged by its effect on a shadow copy of the
 * room's document, and accepted only if everything it does is expressible as that person's own
 * suggestions:
 * - text it adds carries an `insertion` mark whose suggestion is the sender's, and is formatted
 *   like the existing text beside it or like the text it replaces;
 * - it removes no text but the sender's own still-pending suggested text;
 * - formatting changes only add or remove `insertion`/`deletion` marks of the sender's own
 *   suggestions (or put back what was there, around the sender's insertion);
 * - new paragraphs are wholly the sender's suggested text, and only such paragraphs of the
 *   sender's are removed (withdrawn); no attribute of existing content changes;
 * - a whole clause is proposed as a new clause carrying the sender's `insertion` attribute
 *   (inside it, the author writes freely until it is accepted), and proposed for deletion by
 *   the sender's `deletion` attribute on it; no clause is otherwise added or removed;
 * - nothing changes outside the text and the sender's own entries of the `suggestions` map.
 *
 * A suggestion's id names the clientID that made it (shared/domain/suggestions.ts), and every
 * clientID is bound to one user, so "the sender's suggestion" is decided by the server alone.
 */
import * as Y from 'yjs'
import { SUGGESTION_MARK, clientOfSuggestion, isSuggestionRecord } from '../../shared/domain/suggestions.ts'
import { ROOT } from '../../shared/ydoc/schema.ts'
import type { Change } from './changes.ts'
import { entryChanges } from './documentRules.ts'
import type { UpdateContext } from './hooks.ts'
import { SyncRefusal } from './SyncRefusal.ts'

const MARKS: ReadonlySet<string> = new Set(Object.values(SUGGESTION_MARK))

/** Why a change is refused, in the suggester's terms. */
const REFUSAL = {
  elsewhere: 'As a suggester you can propose changes to the text only, not to clause status, the title or other settings.',
  unmarked: 'Text you add must be marked as your suggestion.',
  removesOthers: 'Text written by someone else can be marked for deletion, not removed.',
  formatting: 'Formatting cannot be changed in a suggestion; only your own suggestion marks can.',
  othersMarks: 'A suggestion can only add or remove your own suggestion marks.',
  structure: 'Clauses, and paragraphs you did not add, cannot be added or removed in a suggestion.',
  attributes: 'Only the text can be changed in a suggestion.',
  othersRecord: 'Only your own suggestions can be recorded or withdrawn.',
} as const

/** Judges a suggester's update; throws a SyncRefusal (4409) if it is not only their suggestions. */
export function checkSuggestions(context: UpdateContext, changes: readonly Change[]): void {
  for (const change of changes) {
    if (change.root !== ROOT.body && change.root !== ROOT.suggestions) throw SyncRefusal.rejected(REFUSAL.elsewhere)
  }
  const isOwnClient = (client: number) => context.inspection.authoringClients.has(client) || context.ownsClient(client)
  const isOwnId = (id: unknown) => {
    const client = clientOfSuggestion(id)
    return client !== null && isOwnClient(client)
  }
  checkRecords(context, changes, isOwnId)
  const body = changes.filter((change) => change.root === ROOT.body)
  if (body.length > 0) new BodyJudge(context, isOwnId, isOwnClient).judge(body)
}

/** The sender's own entries of the `suggestions` map, recording them truthfully. */
function checkRecords(context: UpdateContext, changes: readonly Change[], isOwnId: (id: unknown) => boolean): void {
  const { principal } = context
  for (const { key, values } of entryChanges(changes, ROOT.suggestions)) {
    if (!isOwnId(key)) throw SyncRefusal.rejected(REFUSAL.othersRecord)
    for (const value of values) {
      const isTruthful =
        isSuggestionRecord(value) &&
        value.authorId === principal.userId &&
        value.authorName === principal.name &&
        value.organisation === (principal.organisation ?? '')
      if (!isTruthful) throw SyncRefusal.rejected('A suggestion must be recorded under your own name and organisation.')
    }
  }
}

/** A formatting attribute's value: a suggestion mark's attributes, null when unset, or anything a client sent. */
type FormatValue = unknown

class BodyJudge {
  readonly #before: Y.Doc
  readonly #after: Y.Doc

  constructor(
    context: UpdateContext,
    readonly isOwnId: (id: unknown) => boolean,
    readonly isOwnClient: (client: number) => boolean,
  ) {
    this.#before = context.doc
    this.#after = context.docAfter()
  }

  /**
   * Whether `type` is inside (or is) a clause the sender proposed as a whole: one whose
   * `insertion` attribute names the sender's suggestion, as it was before this update (or as
   * it is made, for a clause this update adds). Inside it the author writes freely.
   */
  #inOwnProposedClause(type: unknown): boolean {
    for (let current = type; current instanceof Y.AbstractType; current = current._item?.parent) {
      if (!(current instanceof Y.XmlElement) || current.nodeName !== 'clause') continue
      const item = current._item
      let element: Y.XmlElement = current
      if (item !== null && !this.#isNew(item.id) && current.doc === this.#after) {
        const before = Y.getItem(this.#before.store, item.id)
        if (!(before instanceof Y.Item) || !(before.content instanceof Y.ContentType)) continue
        element = before.content.type as Y.XmlElement
      }
      if (this.isOwnId(blockMark(element, SUGGESTION_MARK.insertion)?.id)) return true
    }
    return false
  }

  judge(changes: readonly Change[]): void {
    for (const change of changes) {
      if (change.kind === 'insert') this.#judgeInsert(change)
      else this.#judgeDelete(change)
    }
  }

  /** Whether `id` names a struct this update creates. */
  #isNew(id: Y.ID): boolean {
    return id.clock >= Y.getState(this.#before.store, id.client)
  }

  /** Whether a mark value is unset or one of the sender's own suggestions. */
  #isOwnOrNone(value: FormatValue): boolean {
    return value === null || value === undefined || (typeof value === 'object' && this.isOwnId((value as { id?: unknown }).id))
  }

  #judgeInsert(change: Change): void {
    const item = change.item!
    const content = item.content
    if (content instanceof Y.ContentDeleted) return
    const placed = Y.getItem(this.#after.store, item.id)
    if (!(placed instanceof Y.Item)) return
    if (this.#inOwnProposedClause(placed.parent)) return
    if (placed.parentSub !== null) {
      // An attribute: of a new element (made by this update) is fine; of existing content,
      // only the sender's own proposal to delete a clause, or its withdrawal.
      if (change.isDirect && !this.#isOwnClauseDeletion(placed)) throw SyncRefusal.rejected(REFUSAL.attributes)
      return
    }
    if (content instanceof Y.ContentString) {
      if (placed.deleted) return
      if (!this.isOwnId(markAt(placed.left, SUGGESTION_MARK.insertion)?.id)) throw SyncRefusal.rejected(REFUSAL.unmarked)
      if (!this.#isOwnOrNone(markAt(placed.left, SUGGESTION_MARK.deletion))) throw SyncRefusal.rejected(REFUSAL.othersMarks)
      if (!this.#isFormattedLikeNeighbours(placed)) throw SyncRefusal.rejected(REFUSAL.formatting)
    } else if (content instanceof Y.ContentFormat) {
      if (MARKS.has(content.key) && !isMarkValue(content.value)) throw SyncRefusal.rejected(REFUSAL.formatting)
      if (!placed.deleted) this.#judgeMarkEffect(placed, content.key)
    } else if (content instanceof Y.ContentType) {
      const type = content.type
      if (type instanceof Y.XmlElement) {
        const element = (placed.content as Y.ContentType).type as Y.XmlElement
        if (type.nodeName === 'clause') {
          if (!this.isOwnId(blockMark(element, SUGGESTION_MARK.insertion)?.id)) throw SyncRefusal.rejected(REFUSAL.structure)
        } else if (!this.#isWhollyOwnText(element)) {
          throw SyncRefusal.rejected(REFUSAL.structure)
        }
      } else if (!(type instanceof Y.XmlText)) {
        throw SyncRefusal.rejected(REFUSAL.attributes)
      }
    } else {
      throw SyncRefusal.rejected(REFUSAL.attributes)
    }
  }

  #judgeDelete(change: Change): void {
    const item = change.item
    if (item === null || this.#isNew(item.id)) return
    const content = item.content
    // Withdrawing (part of) a clause the sender proposed as a whole.
    if (this.#inOwnProposedClause(item.parent)) return
    if (content instanceof Y.ContentType && this.#inOwnProposedClause(content.type)) return
    // Withdrawing (or replacing) the sender's own proposal to delete a clause.
    const parent = item.parent
    if (item.parentSub === SUGGESTION_MARK.deletion && parent instanceof Y.XmlElement && parent.nodeName === 'clause') {
      const value = content instanceof Y.ContentAny ? content.getContent()[0] : undefined
      if (isMarkValue(value) && this.#isOwnOrNone(value)) return
      throw SyncRefusal.rejected(REFUSAL.othersMarks)
    }
    // Withdrawing a paragraph the sender added, holding nothing but their pending text.
    if (content instanceof Y.ContentType && this.isOwnClient(item.id.client) && item.parentSub === null) {
      const type = content.type
      const isParagraphOrText = (type instanceof Y.XmlElement && type.nodeName !== 'clause') || type instanceof Y.XmlText
      if (isParagraphOrText && this.#isWhollyOwnText(type as Y.XmlElement | Y.XmlText)) return
    }
    if (content instanceof Y.ContentString) {
      const ownText = this.isOwnClient(item.id.client) && this.isOwnId(markAt(item, SUGGESTION_MARK.insertion)?.id)
      if (!ownText) throw SyncRefusal.rejected(REFUSAL.removesOthers)
    } else if (content instanceof Y.ContentFormat) {
      // Yjs itself deletes format items that no longer change anything (its formatting
      // clean-up, run by whoever's transaction made them redundant): judged by the effect.
      const placed = Y.getItem(this.#after.store, item.id)
      if (placed instanceof Y.Item) this.#judgeMarkEffect(placed, content.key)
    } else if (!(content instanceof Y.ContentDeleted)) {
      throw SyncRefusal.rejected(REFUSAL.structure)
    }
  }

  /**
   * Whether the attribute item `placed` (in the document after) proposes, or withdraws the
   * proposal, to delete an existing clause as the sender's own suggestion.
   */
  #isOwnClauseDeletion(placed: Y.Item): boolean {
    const element = placed.parent
    if (!(element instanceof Y.XmlElement) || element.nodeName !== 'clause' || placed.parentSub !== SUGGESTION_MARK.deletion) return false
    const value = placed.content instanceof Y.ContentAny ? placed.content.getContent()[0] : undefined
    if (value === undefined || !isMarkValue(value) || !this.#isOwnOrNone(value)) return false
    const before = element._item === null ? null : Y.getItem(this.#before.store, element._item.id)
    const previous = before instanceof Y.Item && before.content instanceof Y.ContentType ? blockMark(before.content.type as Y.XmlElement, SUGGESTION_MARK.deletion) : null
    return this.#isOwnOrNone(previous)
  }

  /**
   * What a format item added or removed by this update does to existing text: every piece of
   * older text it governs (up to the next format item for the same key) must keep its
   * formatting, except for suggestion marks (`#mayChangeMark`).
   */
  #judgeMarkEffect(format: Y.Item, key: string): void {
    for (let next = format.right; next !== null; next = next.right) {
      if (next.deleted) continue
      const content = next.content
      if (content instanceof Y.ContentFormat && content.key === key) return
      if (!(content instanceof Y.ContentString) || this.#isNew(next.id)) continue
      const old = Y.getItem(this.#before.store, next.id)
      const before = old instanceof Y.Item ? markAt(old, key) : null
      const after = markAt(next, key)
      if (sameValue(before, after)) continue
      if (!MARKS.has(key)) throw SyncRefusal.rejected(REFUSAL.formatting)
      if (!this.#mayChangeMark(key, before, after, next)) throw SyncRefusal.rejected(REFUSAL.othersMarks)
    }
  }

  /**
   * Whether the suggestion mark `key` of the existing text `item` may go from `before` to
   * `after`: between unmarked and the sender's own suggestion — for an insertion mark, only on
   * the sender's own text (no one claims or unmarks another's words). A deletion mark may also
   * pass between someone else's suggestion and the sender's own while the text stays proposed
   * for deletion: when two people mark the same text concurrently, Yjs keeps one value per
   * character, and a later rewrite of either one's marks can bring up the other's. The text's
   * fate is unchanged; only which of the two proposals it is reviewed under.
   */
  #mayChangeMark(key: string, before: FormatValue, after: FormatValue, item: Y.Item): boolean {
    if (key === SUGGESTION_MARK.insertion) return this.#isOwnOrNone(before) && this.#isOwnOrNone(after) && this.isOwnClient(item.id.client)
    if (this.#isOwnOrNone(before) && this.#isOwnOrNone(after)) return true
    const isMarked = (value: FormatValue) => value !== null && value !== undefined
    return isMarked(before) && isMarked(after) && (this.#isOwnOrNone(before) || this.#isOwnOrNone(after))
  }

  /**
   * Whether the new text `item` (in the document after) is formatted, suggestion marks aside,
   * like the existing text just before or just after it in its paragraph (like nothing, when
   * it has no existing text beside it): a suggestion proposes words, not formatting.
   */
  #isFormattedLikeNeighbours(item: Y.Item): boolean {
    const own = formattingAt(item)
    let hasNeighbour = false
    for (const step of ['left', 'right'] as const) {
      let neighbour = item[step]
      while (neighbour !== null && (neighbour.deleted || !(neighbour.content instanceof Y.ContentString) || this.#isNew(neighbour.id))) neighbour = neighbour[step]
      if (neighbour === null) continue
      hasNeighbour = true
      if (formattingAt(neighbour) === own) return true
    }
    if (!hasNeighbour && own === '[]') return true
    // A replacement takes the formatting of the text it replaces (the editor carries over that
    // of the selection's start, which may lie further back in the clause).
    const id = markAt(item.left, SUGGESTION_MARK.insertion)?.id
    return typeof id === 'string' && this.#replacesTextFormatted(item, id, own)
  }

  /**
   * Whether the clause around `item` holds existing text proposed for deletion by the same
   * suggestion `id` and formatted as `formatting`.
   */
  #replacesTextFormatted(item: Y.Item, id: string, formatting: string): boolean {
    let clause: unknown = item.parent
    while (clause instanceof Y.AbstractType && !(clause instanceof Y.XmlElement && clause.nodeName === 'clause')) clause = clause._item?.parent
    if (!(clause instanceof Y.XmlElement)) return false
    const visit = (node: Y.XmlElement): boolean =>
      node.toArray().some((child) => {
        if (child instanceof Y.XmlElement) return visit(child)
        if (!(child instanceof Y.XmlText)) return false
        for (let current = child._start; current !== null; current = current.right) {
          if (current.deleted || !(current.content instanceof Y.ContentString) || this.#isNew(current.id)) continue
          if (markAt(current, SUGGESTION_MARK.deletion)?.id === id && formattingAt(current) === formatting) return true
        }
        return false
      })
    return visit(clause)
  }

  /** Whether all the text inside `element` (there must be some) is the sender's suggested insertion. */
  #isWhollyOwnText(element: Y.XmlElement | Y.XmlText): boolean {
    let length = 0
    const visit = (node: Y.XmlElement | Y.XmlText): boolean => {
      if (node instanceof Y.XmlText) {
        for (const op of node.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>) {
          if (typeof op.insert !== 'string') return false
          length += op.insert.length
          const insertion = op.attributes?.[SUGGESTION_MARK.insertion] as { id?: unknown } | undefined
          if (!this.isOwnId(insertion?.id)) return false
        }
        return true
      }
      return node.toArray().every((child) => (child instanceof Y.XmlElement || child instanceof Y.XmlText) && visit(child))
    }
    return visit(element) && length > 0
  }
}

/**
 * The value of formatting attribute `key` in effect just after `item`: that of the nearest live
 * format item for `key` at or to the left of it; null when there is none.
 */
function markAt(item: Y.Item | null, key: string): { id?: unknown } | null {
  for (let current = item; current !== null; current = current.left) {
    if (current.deleted) continue
    const content = current.content
    if (content instanceof Y.ContentFormat && content.key === key) return (content.value ?? null) as { id?: unknown } | null
  }
  return null
}

/**
 * The formatting in effect at `item` other than suggestion marks, as a canonical string: the
 * value of the nearest live format item for each key, walking left to the start of its text.
 */
function formattingAt(item: Y.Item): string {
  const seen = new Map<string, unknown>()
  for (let current = item.left; current !== null; current = current.left) {
    if (current.deleted || !(current.content instanceof Y.ContentFormat)) continue
    const { key, value } = current.content
    if (!MARKS.has(key) && !seen.has(key)) seen.set(key, value)
  }
  const set = [...seen].filter(([, value]) => value !== null && value !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))
  return JSON.stringify(set)
}

/** A whole-clause suggestion: the `insertion` or `deletion` attribute of a clause element. */
function blockMark(element: Y.XmlElement, key: string): { id?: unknown } | null {
  const value = element.getAttribute(key) as unknown
  return typeof value === 'object' && value !== null ? (value as { id?: unknown }) : null
}

/** A suggestion mark's stored value: unset, or attributes naming the suggestion. */
function isMarkValue(value: unknown): boolean {
  return value === null || (typeof value === 'object' && !Array.isArray(value) && typeof (value as { id?: unknown }).id === 'string')
}

function sameValue(a: FormatValue, b: FormatValue): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null)
}

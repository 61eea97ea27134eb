/**
 * Where comment threads hang in a contract's current text. A thread belongs to a clause (by
 * `clauseId`) and, for a passage, to two `Y.RelativePosition`s into `body`; both are judged
 * against the document as it is now, never stored: a thread is *detached* when its passage is
 * gone (a position no longer resolves inside `body`, or the two have met because the text
 * between them was deleted) and *on a removed clause* when no clause element with its id is in
 * `body` any more. Nothing here deletes a thread.
 */
import * as Y from 'yjs'
import type { ThreadAnchor } from '../../shared/protocol/comments.ts'
import { ROOT, getBody } from '../../shared/ydoc/schema.ts'

// Yjs types are generic over their event; any of them will do here.
type AnyType = Y.AbstractType<any>

/** Longest encoded position accepted (a real one is a few dozen characters). */
const MAX_ENCODED_POSITION = 200

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/

/**
 * Decodes one end of an anchor (base64 of `Y.encodeRelativePosition`), or null when it is not
 * exactly one relative position into `body`: bad base64, trailing bytes, or a position into
 * another root of the document.
 */
export function decodeAnchorPosition(encoded: unknown): Y.RelativePosition | null {
  if (typeof encoded !== 'string' || encoded.length === 0 || encoded.length > MAX_ENCODED_POSITION || !BASE64.test(encoded)) return null
  const bytes = new Uint8Array(Buffer.from(encoded, 'base64'))
  let position: Y.RelativePosition
  try {
    position = Y.decodeRelativePosition(bytes)
  } catch {
    return null
  }
  // Decoding reads only what it needs: re-encoding must give back every byte sent.
  if (!sameBytes(Y.encodeRelativePosition(position), bytes)) return null
  if (position.tname !== null && position.tname !== ROOT.body) return null
  if (position.type === null && position.tname === null && position.item === null) return null
  return position
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i])
}

/** What a thread's anchor and clause are, as `ThreadPlacement.place` reads them. */
export interface PlacedThread {
  readonly clauseId: string
  readonly anchorFrom: string | null
  readonly anchorTo: string | null
}

/** Where a thread stands in the current text. */
export interface Placement {
  /** The passage is gone, or the clause is. */
  readonly detached: boolean
  readonly clauseRemoved: boolean
}

interface ElementOffsets {
  /** Offset of each child's start, as ProseMirror counts positions. */
  readonly childStarts: number[]
  /** Offset just inside the element's end. */
  readonly contentEnd: number
}

/**
 * A reading of one document state: its clause ids, and every type's offsets counted as
 * ProseMirror counts positions (an element's opening and closing each count one, a character
 * one), so two ends of an anchor can be compared wherever they are in the tree. Build it, use
 * it, drop it: it does not follow later changes.
 */
export class ThreadPlacement {
  readonly #doc: Y.Doc
  readonly #body: Y.XmlFragment
  readonly #clauseIds = new Set<string>()
  readonly #textStarts = new Map<AnyType, number>()
  readonly #elements = new Map<AnyType, ElementOffsets>()

  private constructor(doc: Y.Doc) {
    this.#doc = doc
    this.#body = getBody(doc)
    this.#walk(this.#body, 0)
  }

  /** Reads `doc` as it is now. */
  static of(doc: Y.Doc): ThreadPlacement {
    return new ThreadPlacement(doc)
  }

  /** Whether a clause element with this id is in the body (at any depth). */
  hasClause(clauseId: string): boolean {
    return this.#clauseIds.has(clauseId)
  }

  /** Whether a thread is detached and whether its clause was removed. */
  place(thread: PlacedThread): Placement {
    const clauseRemoved = !this.hasClause(thread.clauseId)
    if (thread.anchorFrom === null || thread.anchorTo === null) return { detached: clauseRemoved, clauseRemoved }
    return { detached: clauseRemoved || !this.isAttached({ from: thread.anchorFrom, to: thread.anchorTo }), clauseRemoved }
  }

  /** Whether both ends of the anchor resolve inside `body` and some text still lies between them. */
  isAttached(anchor: ThreadAnchor): boolean {
    const from = this.#offsetOf(decodeAnchorPosition(anchor.from))
    const to = this.#offsetOf(decodeAnchorPosition(anchor.to))
    return from !== null && to !== null && from < to
  }

  /**
   * Whether each end of the anchor that resolves now lies inside the clause `clauseId` (its
   * innermost clause: a passage of a sub-clause belongs to the sub-clause). An end that does not
   * resolve yet — text the server has not received — is not held against it.
   */
  isWithinClause(anchor: ThreadAnchor, clauseId: string): boolean {
    for (const encoded of [anchor.from, anchor.to]) {
      const type = this.#resolve(decodeAnchorPosition(encoded))?.type
      if (type !== undefined && innermostClauseId(type, this.#body) !== clauseId) return false
    }
    return true
  }

  /** The live position of `position` inside `body`, or null if it is elsewhere or gone. */
  #resolve(position: Y.RelativePosition | null): Y.AbsolutePosition | null {
    if (position === null) return null
    const absolute = Y.createAbsolutePositionFromRelativePosition(position, this.#doc)
    if (absolute === null || !isLiveInside(absolute.type, this.#body)) return null
    return absolute
  }

  #offsetOf(position: Y.RelativePosition | null): number | null {
    const absolute = this.#resolve(position)
    if (absolute === null) return null
    const textStart = this.#textStarts.get(absolute.type)
    if (textStart !== undefined) return textStart + absolute.index
    const element = this.#elements.get(absolute.type)
    if (element === undefined) return null
    return element.childStarts[absolute.index] ?? element.contentEnd
  }

  /** Records offsets from `offset` on; returns the offset after `type`. */
  #walk(type: AnyType, offset: number): number {
    if (type instanceof Y.XmlText) {
      this.#textStarts.set(type, offset)
      return offset + type.length
    }
    if (!(type instanceof Y.XmlElement || type instanceof Y.XmlFragment)) return offset + 1
    const isRoot = type === this.#body
    if (type instanceof Y.XmlElement && type.nodeName === 'clause') {
      const clauseId = type.getAttribute('clauseId')
      if (typeof clauseId === 'string') this.#clauseIds.add(clauseId)
    }
    const childStarts: number[] = []
    let at = isRoot ? offset : offset + 1
    for (const child of type.toArray()) {
      childStarts.push(at)
      at = this.#walk(child as AnyType, at)
    }
    this.#elements.set(type, { childStarts, contentEnd: at })
    return isRoot ? at : at + 1
  }
}

/** Whether `type` is `root` or inside it, with no deleted ancestor on the way. */
function isLiveInside(type: AnyType, root: AnyType): boolean {
  let current: AnyType = type
  while (current !== root) {
    const item = current._item
    if (item === null || item.deleted || !(item.parent instanceof Y.AbstractType)) return false
    current = item.parent
  }
  return true
}

/** The clauseId of the innermost clause element at or around `type` inside `root`, or null. */
function innermostClauseId(type: AnyType, root: AnyType): string | null {
  let current: AnyType = type
  while (current !== root) {
    if (current instanceof Y.XmlElement && current.nodeName === 'clause') {
      const clauseId = current.getAttribute('clauseId')
      return typeof clauseId === 'string' ? clauseId : null
    }
    const parent = current._item?.parent
    if (!(parent instanceof Y.AbstractType)) return null
    current = parent
  }
  return null
}

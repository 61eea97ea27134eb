/**
 * Writing a suggestion's text into the shared document exactly where it was typed.
 *
 * The collaboration binding writes an edited paragraph by diffing its old and new text as plain
 * strings. When the typed text starts like the text after it (a space typed before a space,
 * an "e" before an "e"), the diff cannot tell which characters are new and picks the later
 * ones: the new characters land after the old ones, and the formatting is then moved so that
 * the paragraph reads right. The text looks the same, but in the shared document the *old*
 * characters now carry the insertion mark and the *new* ones carry none; the server, which
 * judges a suggester's change by which characters are new, rightly refuses it ("Text you add
 * must be marked as your suggestion"). Removing one's own suggested character before an equal
 * one goes wrong the same way.
 *
 * So before the binding diffs, the text steps of the transaction are written straight into
 * the paragraphs' Y.XmlText at their exact offsets, with their final formatting; the binding
 * then finds the text already equal and only checks the formatting. This is done only for
 * transactions whose document steps all stay inside paragraphs' text (typing, deleting,
 * marking); anything else is left to the binding.
 */
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import type { Transaction } from '@tiptap/pm/state'
import { AddMarkStep, RemoveMarkStep, ReplaceStep } from '@tiptap/pm/transform'
import * as Y from 'yjs'

/** One edit of a paragraph's text in the shared document. */
interface TextEdit {
  readonly text: Y.XmlText
  readonly offset: number
  readonly remove: number
  /** The inserted runs, each with its formatting as the binding stores it. */
  readonly insert: ReadonlyArray<{ readonly text: string; readonly attributes: Record<string, unknown> }>
}

/**
 * Plans the text edits of `tr` on `fragment` (the shared document `tr`'s first document is
 * drawn from): null when a step is not a text edit inside one paragraph, or when the shared
 * text does not match the document, in which case nothing should be written.
 */
export function planTextEdits(fragment: Y.XmlFragment, tr: Transaction): TextEdit[] | null {
  const edits: TextEdit[] = []
  // How much the edits planned so far lengthen each text: later steps see it edited.
  const growth = new Map<Y.XmlText, number>()
  for (let i = 0; i < tr.steps.length; i++) {
    const step = tr.steps[i]!
    if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) continue
    if (!(step instanceof ReplaceStep) || step.slice.openStart > 0 || step.slice.openEnd > 0) return null
    const doc = tr.docs[i]!
    const $from = doc.resolve(step.from)
    if (!$from.parent.isTextblock || !$from.sameParent(doc.resolve(step.to))) return null
    let inserted = ''
    let isText = true
    step.slice.content.forEach((node) => {
      if (node.isText) inserted += node.text
      else isText = false
    })
    if (!isText) return null
    const at = textAt(fragment, doc, step.from, growth)
    if (at === null || (step.from < step.to && textAt(fragment, doc, step.to, growth)?.text !== at.text)) return null
    const insert = inserted === '' ? [] : finalRuns(tr, tr.mapping.slice(i + 1).map(step.from, 1), inserted)
    if (insert === null) return null
    edits.push({ text: at.text, offset: at.offset, remove: step.to - step.from, insert })
    growth.set(at.text, (growth.get(at.text) ?? 0) + inserted.length - (step.to - step.from))
  }
  return edits
}

/** Applies `edits` (from {@link planTextEdits}) in order; call inside the binding's Yjs transaction. */
export function writeTextEdits(edits: readonly TextEdit[]): void {
  for (const { text, offset, remove, insert } of edits) {
    if (remove > 0) text.delete(offset, remove)
    let at = offset
    for (const run of insert) {
      // Given attributes are exact: formatting active here but not listed is unset.
      text.insert(at, run.text, { ...run.attributes })
      at += run.text.length
    }
  }
}

/**
 * `inserted`, found at `from` in `tr`'s final document, as runs with the formatting each part
 * ends up with there; null if the final document reads otherwise there (a later step changed
 * it) or uses a mark the binding stores under a hashed name.
 */
function finalRuns(tr: Transaction, from: number, inserted: string): TextEdit['insert'] | null {
  const to = from + inserted.length
  if (to > tr.doc.content.size || tr.doc.textBetween(from, to) !== inserted) return null
  const runs: Array<{ text: string; attributes: Record<string, unknown> }> = []
  let isStorable = true
  tr.doc.nodesBetween(from, to, (node, pos) => {
    if (!node.isText) return true
    const start = Math.max(from, pos)
    const end = Math.min(to, pos + node.nodeSize)
    const attributes: Record<string, unknown> = {}
    for (const mark of node.marks) {
      if (!mark.type.excludes(mark.type)) isStorable = false
      attributes[mark.type.name] = mark.attrs
    }
    runs.push({ text: node.text!.slice(start - pos, end - pos), attributes })
    return false
  })
  return isStorable ? runs : null
}

/**
 * The Y.XmlText and offset in it of `pos`, a position inside a paragraph of `doc`, found by
 * walking `fragment` down the same child indices. Consecutive text in a paragraph is one
 * Y.XmlText; any other inline node is an element of its own. Null when the shared document
 * does not have that shape there, or its text is not the paragraph's once lengthened by
 * `growth` (the edits planned before this one).
 */
function textAt(fragment: Y.XmlFragment, doc: ProseMirrorNode, pos: number, growth: ReadonlyMap<Y.XmlText, number>): { text: Y.XmlText; offset: number } | null {
  const $pos = doc.resolve(pos)
  let type: Y.XmlFragment | Y.XmlElement = fragment
  for (let depth = 0; depth < $pos.depth; depth++) {
    const child: unknown = type.get($pos.index(depth))
    if (!(child instanceof Y.XmlElement) || child.nodeName !== $pos.node(depth + 1).type.name) return null
    type = child
  }
  const target = $pos.parentOffset
  const groups = textGroups($pos.parent)
  const group = groups.find((candidate) => candidate.start <= target && target <= candidate.start + candidate.length)
  if (group === undefined) return null
  const text: unknown = type.get(group.index)
  if (!(text instanceof Y.XmlText) || text.length + (growth.get(text) ?? 0) !== group.length) return null
  return { text, offset: target - group.start }
}

/** The runs of consecutive text in a paragraph: their index among its shared children, start and length. */
function textGroups(paragraph: ProseMirrorNode): Array<{ index: number; start: number; length: number }> {
  const groups: Array<{ index: number; start: number; length: number }> = []
  let index = -1
  let isInText = false
  paragraph.forEach((node, offset) => {
    if (node.isText && isInText) {
      groups[groups.length - 1]!.length += node.nodeSize
      return
    }
    index += 1
    isInText = node.isText
    if (node.isText) groups.push({ index, start: offset, length: node.nodeSize })
  })
  return groups
}

/**
 * Who suggested what, drawn on the text: every suggested insertion or deletion is coloured by
 * its author (see `suggestionColour`) and says on hover who proposed it, from which
 * organisation and when. The marks themselves carry only the suggestion's id; the author comes
 * from the `suggestions` map, which the plugin observes so that a record arriving after its
 * text redraws it.
 */
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import { Plugin, PluginKey, type Transaction } from '@tiptap/pm/state'
import { Decoration, DecorationSet } from '@tiptap/pm/view'
import type * as Y from 'yjs'
import { SUGGESTION_MARK } from '../../shared/domain/suggestions.ts'
import { textblockEdit } from '../../shared/editor/textblockEdit.ts'
import { paragraphMarksInText } from './paragraphMarks.ts'
import { authorLabel, readSuggestionRecord, relativeTime, suggestionColour } from '../features/suggestions/suggestionRecords.ts'

export const suggestionHighlightsKey = new PluginKey<DecorationSet>('suggestionHighlights')

/** A transaction meta asking for a redraw because records changed. */
const RECORDS_CHANGED = 'suggestionRecordsChanged'

/** The decorations of every suggestion in `doc`. */
function highlights(doc: ProseMirrorNode, records: Y.Map<unknown> | null): DecorationSet {
  return DecorationSet.create(doc, highlightsBetween(doc, records, 0, doc.content.size))
}

/**
 * `previous` (the decorations of `tr.before`) brought up to date with `tr.doc`: when only one
 * paragraph's text changed, only that paragraph is drawn again; else everything is.
 */
function updatedHighlights(tr: Transaction, previous: DecorationSet, records: Y.Map<unknown> | null): DecorationSet {
  const edit = textblockEdit(tr.before, tr.doc)
  if (edit === null) return highlights(tr.doc, records)
  const mapped = previous.map(edit.map, tr.doc)
  // Those on the paragraph and its text (not those of its neighbours, which touch its edges).
  const stale = mapped.find(edit.from + 1, edit.to - 1)
  return mapped.remove(stale).add(tr.doc, highlightsBetween(tr.doc, records, edit.from, edit.to))
}

/** The decorations of the suggestions in `doc` between `from` and `to`. */
function highlightsBetween(doc: ProseMirrorNode, records: Y.Map<unknown> | null, from: number, to: number): Decoration[] {
  const decorations: Decoration[] = []
  const now = Date.now()
  doc.nodesBetween(from, to, (node, pos) => {
    if (node.isTextblock) {
      // A paragraph that is wholly suggested (one proposed as new) is marked in the margin too,
      // since its text may be short or, while being typed, invisible.
      const id = wholeInsertion(node)
      if (id !== null) {
        const colour = suggestionColour(readSuggestionRecord(records, id), id)
        decorations.push(Decoration.node(pos, pos + node.nodeSize, { class: 'suggested-block', style: `--suggestion-colour: ${colour}` }))
      }
      return true
    }
    if (!node.isInline) return true
    if (node.isText) decorations.push(...paragraphMarkDecorations(node, pos))
    for (const mark of node.marks) {
      const kind = mark.type.name === SUGGESTION_MARK.insertion ? 'insertion' : mark.type.name === SUGGESTION_MARK.deletion ? 'deletion' : null
      if (kind === null || typeof mark.attrs.id !== 'string') continue
      const id = mark.attrs.id
      const record = readSuggestionRecord(records, id)
      const what = kind === 'insertion' ? 'Suggested insertion' : 'Suggested deletion'
      const title = record ? `${what} by ${authorLabel(record)}, ${relativeTime(record.createdAt, now)}` : what
      decorations.push(
        Decoration.inline(pos, pos + node.nodeSize, {
          class: `suggestion-by suggestion-by-${kind}`,
          style: `--suggestion-colour: ${suggestionColour(record, id)}`,
          title,
        }),
      )
    }
    return false
  })
  return decorations
}

/**
 * A suggested paragraph mark in the text `node` (at `pos`) drawn as a pilcrow, struck through
 * by its deletion mark when it proposes a join; after one proposing a split, the rest of the
 * paragraph goes on a new line, where the caret just after the mark is drawn too.
 */
function paragraphMarkDecorations(node: ProseMirrorNode, pos: number): Decoration[] {
  return paragraphMarksInText(node, pos).flatMap(({ pos: at, joins }) => {
    const title = joins ? 'Suggested: join this paragraph with the next' : 'Suggested: a new paragraph from here'
    const mark = Decoration.inline(at, at + 1, { class: joins ? 'paragraph-mark paragraph-mark-join' : 'paragraph-mark', title })
    return joins ? [mark] : [mark, Decoration.widget(at + 1, lineBreak, { side: -1, key: 'paragraph-mark-break', ignoreSelection: true })]
  })
}

function lineBreak(): HTMLElement {
  const br = document.createElement('br')
  br.className = 'paragraph-mark-break'
  return br
}

/** The id of the insertion that makes up all of `textblock`'s content, or null. */
function wholeInsertion(textblock: ProseMirrorNode): string | null {
  let id: string | null = null
  let isWhole = textblock.childCount > 0
  textblock.forEach((child) => {
    const mark = child.marks.find((candidate) => candidate.type.name === SUGGESTION_MARK.insertion)
    if (mark === undefined || typeof mark.attrs.id !== 'string') isWhole = false
    else id ??= mark.attrs.id
  })
  return isWhole ? id : null
}

/** The plugin drawing suggestions by author, reading authors from `records` (null: no records). */
export function suggestionHighlights(records: Y.Map<unknown> | null): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key: suggestionHighlightsKey,
    state: {
      init: (_, state) => highlights(state.doc, records),
      apply: (tr, previous) => {
        if (tr.getMeta(RECORDS_CHANGED)) return highlights(tr.doc, records)
        return tr.docChanged ? updatedHighlights(tr, previous, records) : previous
      },
    },
    props: {
      decorations: (state) => suggestionHighlightsKey.getState(state),
    },
    view: (view) => {
      if (records === null) return {}
      let isPending = false
      // Records are often written inside the editor's own update (with their text): redraw
      // after it, never from inside it.
      const redraw = () => {
        if (isPending) return
        isPending = true
        queueMicrotask(() => {
          isPending = false
          if (!view.isDestroyed) view.dispatch(view.state.tr.setMeta(RECORDS_CHANGED, true))
        })
      }
      records.observe(redraw)
      return { destroy: () => records.unobserve(redraw) }
    },
  })
}

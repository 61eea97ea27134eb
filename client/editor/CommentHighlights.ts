/**
 * Commented passages drawn on the text: each open thread's anchor is resolved to where its
 * passage is now and highlighted (more strongly for the active thread; resolved threads and
 * detached ones are not drawn), and a click on a highlight makes its thread the active one.
 * The active whole-clause thread marks its clause instead.
 *
 * Nothing is written to the document: the highlights are decorations, and the threads come from
 * the comments panel through a transaction meta (`showCommentHighlights`). Anchors are resolved
 * through the Yjs binding, which catches up with a local edit only after the editor's update;
 * so on a change the old highlights are mapped through it at once and resolved afresh a moment
 * later.
 */
import { Extension } from '@tiptap/core'
import { type EditorState, Plugin, PluginKey, type Transaction } from '@tiptap/pm/state'
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view'
import type { ThreadAnchor } from '../../shared/protocol/comments.ts'
import { clausePlaces, isDetachedRange, rangeOfAnchor } from '../features/comments/threadAnchors.ts'

/** A thread as the highlights need it. */
export interface HighlightedThread {
  readonly id: string
  readonly clauseId: string
  readonly anchor: ThreadAnchor | null
  readonly isResolved: boolean
}

/** What the panel shows: the threads to draw, the active one, and a passage being commented on. */
export interface CommentHighlightInput {
  readonly threads: readonly HighlightedThread[]
  readonly activeId: string | null
  /** The anchor of a thread being started (its passage drawn as active), or null. */
  readonly draft: ThreadAnchor | null
}

interface HighlightState {
  readonly input: CommentHighlightInput
  readonly decorations: DecorationSet
}

export const commentHighlightsKey = new PluginKey<HighlightState>('commentHighlights')

/** Meta: a new `CommentHighlightInput`, or `true` to resolve the anchors again. */
const SHOW = 'showCommentHighlights'
/** How long after a change the anchors are resolved again. */
const RESOLVE_DELAY_MS = 60

const NOTHING: CommentHighlightInput = { threads: [], activeId: null, draft: null }

/** The decorations of `input` in `state`, its anchors resolved through the state's Yjs binding. */
function draw(state: EditorState, input: CommentHighlightInput): DecorationSet {
  const { doc } = state
  const decorations: Decoration[] = []
  for (const thread of input.threads) {
    const isActive = thread.id === input.activeId
    if (thread.anchor === null) {
      if (!isActive) continue
      const place = clausePlaces(doc).get(thread.clauseId)
      if (place !== undefined) decorations.push(Decoration.node(place.pos, place.end, { class: 'comment-clause-active' }))
      continue
    }
    if (thread.isResolved) continue
    const range = rangeOfAnchor(state, thread.anchor)
    if (range === null || isDetachedRange(range)) continue
    decorations.push(
      Decoration.inline(range.from, range.to, {
        class: isActive ? 'comment-highlight is-active' : 'comment-highlight',
        'data-thread-id': thread.id,
      }),
    )
  }
  const draft = input.draft === null ? null : rangeOfAnchor(state, input.draft)
  if (draft !== null && !isDetachedRange(draft)) decorations.push(Decoration.inline(draft.from, draft.to, { class: 'comment-highlight is-active is-draft' }))
  return DecorationSet.create(doc, decorations)
}

export interface CommentHighlightsOptions {
  /** Called with the thread whose highlight the person clicked. */
  onActivate: (threadId: string) => void
}

export const CommentHighlights = Extension.create<CommentHighlightsOptions>({
  name: 'commentHighlights',

  addOptions() {
    return { onActivate: () => {} }
  },

  addProseMirrorPlugins() {
    const { onActivate } = this.options
    return [
      new Plugin<HighlightState>({
        key: commentHighlightsKey,
        state: {
          init: (_, state) => ({ input: NOTHING, decorations: DecorationSet.create(state.doc, []) }),
          apply: (tr: Transaction, previous: HighlightState, _old, next: EditorState): HighlightState => {
            const meta = tr.getMeta(SHOW) as CommentHighlightInput | true | undefined
            if (meta !== undefined) {
              const input = meta === true ? previous.input : meta
              return { input, decorations: draw(next, input) }
            }
            if (!tr.docChanged) return previous
            return { input: previous.input, decorations: previous.decorations.map(tr.mapping, tr.doc) }
          },
        },
        props: {
          decorations: (state) => commentHighlightsKey.getState(state)?.decorations,
          handleClick: (_view, _pos, event) => {
            // The innermost highlight under the pointer (highlights of nested passages nest).
            const id = (event.target as HTMLElement | null)?.closest?.('[data-thread-id]')?.getAttribute('data-thread-id')
            // After the click has placed the cursor: activating redraws the highlight under it,
            // which would otherwise take the browser's new selection with it.
            if (id) setTimeout(() => onActivate(id), 0)
            return false
          },
        },
        view: () => {
          let timer: ReturnType<typeof setTimeout> | undefined
          return {
            update: (view: EditorView, previous: EditorState) => {
              if (view.state.doc === previous.doc || timer !== undefined) return
              const input = commentHighlightsKey.getState(view.state)?.input
              if (input === undefined || (input.threads.length === 0 && input.draft === null)) return
              // After the Yjs binding has taken in this change: resolve the anchors against it.
              timer = setTimeout(() => {
                timer = undefined
                if (!view.isDestroyed) view.dispatch(view.state.tr.setMeta(SHOW, true).setMeta('addToHistory', false))
              }, RESOLVE_DELAY_MS)
            },
            destroy: () => clearTimeout(timer),
          }
        },
      }),
    ]
  },
})

/** Shows `input` in `view`: the threads to highlight, the active one and a draft's passage. */
export function showCommentHighlights(view: EditorView, input: CommentHighlightInput): void {
  if (view.isDestroyed) return
  view.dispatch(view.state.tr.setMeta(SHOW, input).setMeta('addToHistory', false))
}

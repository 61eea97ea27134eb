/**
 * Starting a comment from the text: a toolbar with *Comment* (on the selected passage, or the
 * clause around the cursor; Ctrl+Alt+M anywhere on the page, as in Google Docs) and *Comment on
 * clause*, and a small *Comment* button beside a selection, in the margin of the text.
 */
import { type Editor, useEditorState } from '@tiptap/react'
import { type RefObject, useEffect, useLayoutEffect, useState } from 'react'
import { CommentIcon } from '../../components/icons.tsx'
import { clauseAround, passageInClause } from './threadAnchors.ts'

export interface CommentToolbarProps {
  readonly editor: Editor
  /** Comment on the selection (or the clause around the cursor). */
  readonly onComment: () => void
  /** Comment on the whole clause around the cursor. */
  readonly onCommentOnClause: () => void
}

/**
 * Whether `event` is the comment shortcut: Ctrl+Alt+M (Cmd+Option+M on a Mac). Not AltGr+M,
 * which types a character on some keyboards, and not inside a form field (the comment box).
 */
export function isCommentShortcut(event: KeyboardEvent): boolean {
  if (!(event.ctrlKey || event.metaKey) || !event.altKey || event.shiftKey || event.code !== 'KeyM') return false
  if (event.getModifierState?.('AltGraph')) return false
  const target = event.target as HTMLElement | null
  return !target?.closest?.('textarea, input, select')
}

export function CommentToolbar({ editor, onComment, onCommentOnClause }: CommentToolbarProps) {
  const isInClause = useEditorState({ editor, selector: ({ editor: { state } }) => clauseAround(state.doc, state.selection.from) !== null })
  return (
    <div className="comment-toolbar" role="toolbar" aria-label="Comments">
      <button type="button" onMouseDown={(event) => event.preventDefault()} onClick={onComment} title="Ctrl+Alt+M" aria-keyshortcuts="Control+Alt+M">
        Comment
      </button>
      <button type="button" onMouseDown={(event) => event.preventDefault()} onClick={onCommentOnClause} disabled={!isInClause}>
        Comment on clause
      </button>
    </div>
  )
}

export interface SelectionCommentButtonProps {
  readonly editor: Editor
  readonly onComment: () => void
  /** The element the button is positioned in (it must be `position: relative`). */
  readonly frame: RefObject<HTMLElement | null>
}

/** A *Comment* button in the margin beside the selected passage of a clause. */
export function SelectionCommentButton({ editor, onComment, frame }: SelectionCommentButtonProps) {
  const selection = useEditorState({
    editor,
    selector: ({ editor: { state } }) => {
      const { from, to, empty } = state.selection
      return !empty && passageInClause(state.doc, { from, to }) !== null ? from : null
    },
  })
  const [top, setTop] = useState<number | null>(null)
  // While the mouse button is down the selection is still being made.
  const [isSelecting, setSelecting] = useState(false)
  useEffect(() => {
    const dom = editor.view.dom
    const down = () => setSelecting(true)
    const up = () => setSelecting(false)
    dom.addEventListener('mousedown', down)
    document.addEventListener('mouseup', up)
    return () => {
      dom.removeEventListener('mousedown', down)
      document.removeEventListener('mouseup', up)
    }
  }, [editor])
  useLayoutEffect(() => {
    const container = frame.current
    if (selection === null || container === null || editor.isDestroyed) return setTop(null)
    try {
      setTop(editor.view.coordsAtPos(selection).top - container.getBoundingClientRect().top)
    } catch {
      setTop(null)
    }
  }, [selection, editor, frame])
  if (top === null || isSelecting) return null
  return (
    <button
      type="button"
      className="selection-comment"
      style={{ top }}
      onMouseDown={(event) => event.preventDefault()}
      onClick={onComment}
      title="Comment (Ctrl+Alt+M)"
      aria-label="Comment on the selected text"
    >
      <CommentIcon /> Comment
    </button>
  )
}

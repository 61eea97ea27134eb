/**
 * The slash menu's trigger, as a ProseMirror plugin: typing "/" at the start of an empty
 * paragraph, or after a space, opens the menu; the letters typed after the slash are its query;
 * the menu closes when the slash is deleted, the cursor leaves the "/query", anything other than
 * a letter, digit or hyphen is typed, the editor loses focus, or on Escape (the text stays).
 *
 * The plugin only keeps track of what was typed and where; what the menu offers and how it is
 * drawn belong to whoever creates the plugin, which is handed the menu's keys while it is open.
 */
import { type EditorState, Plugin, PluginKey, type Transaction } from '@tiptap/pm/state'
import type { EditorView } from '@tiptap/pm/view'

/** The "/query" in the document: from the slash to the cursor. */
export interface SlashRange {
  readonly from: number
  readonly to: number
}

/** Whether the menu is open, and if so what has been typed after the slash and where. */
export type SlashMenuState =
  | { readonly active: false; readonly query: ''; readonly range: null }
  | { readonly active: true; readonly query: string; readonly range: SlashRange }

const CLOSED: SlashMenuState = { active: false, query: '', range: null }

export const slashMenuKey = new PluginKey<SlashMenuState>('slashMenu')

/** Transaction metas the plugin understands: the slash was just typed, or the menu is dismissed. */
type SlashMenuMeta = 'open' | 'close'

/** Marks `tr` as closing the menu (e.g. with the "/query" it removes before running a choice). */
export function closeSlashMenu(tr: Transaction): Transaction {
  return tr.setMeta(slashMenuKey, 'close' satisfies SlashMenuMeta)
}

/** What may follow the slash in an open menu. */
const QUERY = /^\/([\p{L}\p{N}-]*)$/u

/**
 * Whether a "/" typed over `from`–`to` opens the menu: in a paragraph, either as the only thing
 * in it or right after whitespace (so that "and/or" stays text).
 */
function opensMenu(state: EditorState, from: number, to: number): boolean {
  const $from = state.doc.resolve(from)
  const $to = state.doc.resolve(to)
  if (!$from.sameParent($to) || $from.parent.type.name !== 'paragraph') return false
  const before = $from.parent.textBetween(0, $from.parentOffset, undefined, '\ufffc')
  if (before === '') return $to.parentOffset === $to.parent.content.size
  return /\s$/u.test(before)
}

/** The menu for a slash at `slashPos` in `state`: open while the cursor sits after a valid "/query". */
function menuAt(state: EditorState, slashPos: number): SlashMenuState {
  const { $from, empty } = state.selection
  if (!empty || $from.pos <= slashPos || slashPos < $from.start()) return CLOSED
  const match = QUERY.exec(state.doc.textBetween(slashPos, $from.pos, undefined, '\ufffc'))
  return match ? { active: true, query: match[1]!, range: { from: slashPos, to: $from.pos } } : CLOSED
}

export interface SlashMenuOptions {
  /**
   * Offered every key pressed while the menu is open, except Escape (which closes it): returns
   * true when the menu used it (↑, ↓, Enter on a choice), so that the editor does not.
   */
  onKeyDown: (event: KeyboardEvent) => boolean
}

/**
 * The slash menu plugin. Put it before the editor's keymaps so that, while the menu is open, its
 * keys reach the menu first.
 */
export function slashMenuPlugin({ onKeyDown }: SlashMenuOptions): Plugin<SlashMenuState> {
  return new Plugin<SlashMenuState>({
    key: slashMenuKey,
    state: {
      init: () => CLOSED,
      apply: (tr, menu, _before, state) => {
        const meta = tr.getMeta(slashMenuKey) as SlashMenuMeta | undefined
        if (meta === 'close') return CLOSED
        // The slash was just typed, right before the cursor.
        if (meta === 'open') return menuAt(state, state.selection.from - 1)
        if (!menu.active) return menu
        return menuAt(state, tr.mapping.map(menu.range.from, 1))
      },
    },
    props: {
      handleTextInput: (view: EditorView, from, to, text, insertText) => {
        if (text !== '/' || !view.editable || slashMenuKey.getState(view.state)?.active) return false
        if (!opensMenu(view.state, from, to)) return false
        view.dispatch(insertText().setMeta(slashMenuKey, 'open' satisfies SlashMenuMeta))
        return true
      },
      handleKeyDown: (view, event) => {
        if (!slashMenuKey.getState(view.state)?.active) return false
        if (event.key === 'Escape') {
          view.dispatch(closeSlashMenu(view.state.tr))
          return true
        }
        return onKeyDown(event)
      },
      handleDOMEvents: {
        blur: (view) => {
          if (slashMenuKey.getState(view.state)?.active) view.dispatch(closeSlashMenu(view.state.tr))
          return false
        },
      },
    },
  })
}

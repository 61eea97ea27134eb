/**
 * The slash menu: typing "/" at the start of an empty paragraph (or after a space) offers the
 * clause commands that apply at the caret, filtered by the letters typed after the slash. ↑/↓
 * choose, Enter (or a click) removes the "/query" and runs the choice, Escape closes the menu and
 * leaves the text. The editor keeps the focus throughout: the menu is a listbox whose active
 * option the editor names with `aria-activedescendant`.
 */
import { type Editor, useEditorState } from '@tiptap/react'
import type { EditorState } from '@tiptap/pm/state'
import { useEffect, useId, useLayoutEffect, useReducer, useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import { wouldApply } from '../../shared/editor/ClauseLocking.ts'
import { type SlashRange, closeSlashMenu, slashMenuKey, slashMenuPlugin } from '../../shared/editor/slashMenu.ts'
import { CLAUSE_ACTIONS, type ClauseAction } from './clauseActions.ts'

/**
 * Whether `label` answers `query`: one of its words starts with it, or the label read without
 * spaces and hyphens does ("sub" and "newsub" both find "New sub-clause").
 */
function matches(label: string, query: string): boolean {
  const wanted = query.toLowerCase().replace(/-/g, '')
  const words = label.toLowerCase().split(/[\s-]+/)
  return words.some((word) => word.startsWith(wanted)) || words.join('').startsWith(wanted)
}

/** What the open menu offers: the "/query" typed, where it is, and the actions that match and apply. */
interface SlashChoices {
  readonly query: string
  readonly range: SlashRange
  readonly actions: readonly ClauseAction[]
}

/**
 * The menu's choices in `state`, or null when it is closed. The actions are tried with the
 * "/query" still in place: it is text in the paragraph at the caret, and no clause command looks
 * at that text to decide whether it applies.
 */
function slashChoices(state: EditorState): SlashChoices | null {
  const slash = slashMenuKey.getState(state)
  if (!slash?.active) return null
  const actions = CLAUSE_ACTIONS.filter((action) => matches(action.label, slash.query) && wouldApply(state, action.probe))
  return { query: slash.query, range: slash.range, actions }
}

/** The choice moved to with ↑/↓, for the "/query" it was made in. */
interface Picked {
  readonly key: string
  readonly query: string
  readonly from: number
}

export function ClauseSlashMenu({ editor }: { editor: Editor }) {
  const listId = useId()
  const [picked, setPicked] = useState<Picked | null>(null)
  const onKeyDown = useRef<(event: KeyboardEvent) => boolean>(() => false)

  useEffect(() => {
    // First among the plugins, so that its keys are seen before the editor's keymaps.
    editor.registerPlugin(slashMenuPlugin({ onKeyDown: (event) => onKeyDown.current(event) }), (plugin, plugins) => [plugin, ...plugins])
    return () => {
      editor.unregisterPlugin(slashMenuKey)
    }
  }, [editor])

  const menu = useEditorState({ editor, selector: ({ editor: { state } }) => slashChoices(state) })

  /** The active choice: the one picked for this very "/query", or else the first. */
  const activeIn = (choices: SlashChoices): ClauseAction | undefined => {
    const isCurrent = picked !== null && picked.query === choices.query && picked.from === choices.range.from
    return (isCurrent ? choices.actions.find((action) => action.key === picked.key) : undefined) ?? choices.actions[0]
  }
  const active = menu ? activeIn(menu) : undefined
  const optionId = (action: ClauseAction) => `${listId}-${action.key}`

  const choose = (choices: SlashChoices, action: ClauseAction) => {
    editor
      .chain()
      .focus()
      .deleteRange(choices.range)
      .command(({ tr }) => {
        closeSlashMenu(tr)
        return true
      })
      .run()
    action.run(editor)
  }

  useLayoutEffect(() => {
    // Read from the editor at the key press: keys can come faster than the menu is redrawn.
    onKeyDown.current = (event) => {
      const choices = slashChoices(editor.state)
      const current = choices && activeIn(choices)
      const hasModifier = event.ctrlKey || event.metaKey || event.altKey || event.shiftKey
      if (!choices || !current || hasModifier || event.isComposing) return false
      const count = choices.actions.length
      const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0
      if (step !== 0) {
        const next = choices.actions[(choices.actions.indexOf(current) + step + count) % count]!
        setPicked({ key: next.key, query: choices.query, from: choices.range.from })
      } else if (event.key === 'Enter') {
        choose(choices, current)
      } else {
        return false
      }
      return true
    }
  })

  // The editor keeps the focus: it names the active option for assistive technology.
  const activeId = active ? optionId(active) : null
  useEffect(() => {
    if (activeId === null) return
    const element = editor.view.dom
    element.setAttribute('aria-controls', listId)
    element.setAttribute('aria-activedescendant', activeId)
    return () => {
      element.removeAttribute('aria-controls')
      element.removeAttribute('aria-activedescendant')
    }
  }, [editor, listId, activeId])

  // Drawn where the caret is on screen, and redrawn when anything scrolls: a position in the
  // page would drift, as clauses scrolled out of view stop being laid out and change height.
  const isOpen = menu !== null && active !== undefined
  const [, redraw] = useReducer((count: number) => count + 1, 0)
  useEffect(() => {
    if (!isOpen) return
    window.addEventListener('scroll', redraw, { capture: true, passive: true })
    window.addEventListener('resize', redraw)
    return () => {
      window.removeEventListener('scroll', redraw, { capture: true })
      window.removeEventListener('resize', redraw)
    }
  }, [isOpen])

  if (!menu || active === undefined) return null
  const caret = editor.view.coordsAtPos(menu.range.from)
  return createPortal(
    <ul className="menu slash-menu" role="listbox" id={listId} aria-label="Clause commands" style={{ top: caret.bottom + 4, left: caret.left }}>
      {menu.actions.map((action) => (
        <li
          key={action.key}
          id={optionId(action)}
          role="option"
          aria-selected={action === active}
          className={action === active ? 'menu-item active' : 'menu-item'}
          // Keeps the focus (and the "/query") in the editor until the choice runs.
          onMouseDown={(event) => event.preventDefault()}
          onMouseEnter={() => setPicked({ key: action.key, query: menu.query, from: menu.range.from })}
          onClick={() => choose(menu, action)}
        >
          {action.label}
          {action.shortcut ? (
            <span className="slash-menu-shortcut" aria-hidden="true">
              {action.shortcut}
            </span>
          ) : null}
        </li>
      ))}
    </ul>,
    document.body,
  )
}

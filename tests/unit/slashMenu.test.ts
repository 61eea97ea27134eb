// @vitest-environment happy-dom
/**
 * The slash menu's trigger in a real editor: where a typed "/" opens the menu, how the letters
 * after it become the query, and what closes it (leaving the text).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Editor } from '@tiptap/core'
import { contractExtensions } from '../../shared/editor/extensions.ts'
import { slashMenuKey, slashMenuPlugin } from '../../shared/editor/slashMenu.ts'

const editors: Editor[] = []
afterEach(() => {
  for (const editor of editors.splice(0)) editor.destroy()
})

/** An editor holding one clause whose paragraph reads `text`, with the cursor at its end. */
function editorWith(text: string, onKeyDown: (event: KeyboardEvent) => boolean = () => false): Editor {
  const editor = new Editor({
    extensions: contractExtensions(),
    content: `<section data-clause-id="A"><h2>Heading</h2><p>${text}</p></section>`,
  })
  editors.push(editor)
  editor.registerPlugin(slashMenuPlugin({ onKeyDown }), (plugin, plugins) => [plugin, ...plugins])
  editor.commands.setTextSelection(editor.state.doc.content.size - 2)
  return editor
}

/** Types `text` at the cursor as the browser would: each character offered to the plugins first. */
function type(editor: Editor, text: string): void {
  const { view } = editor
  for (const character of text) {
    const { from, to } = view.state.selection
    const insert = () => view.state.tr.insertText(character, from, to)
    if (!view.someProp('handleTextInput', (handle) => handle(view, from, to, character, insert))) view.dispatch(insert())
  }
}

function press(editor: Editor, key: string): boolean {
  const { view } = editor
  return view.someProp('handleKeyDown', (handle) => handle(view, new KeyboardEvent('keydown', { key }))) ?? false
}

const menuOf = (editor: Editor) => slashMenuKey.getState(editor.state)

describe('the slash menu trigger', () => {
  it('opens on "/" in an empty paragraph or after a space, not inside a word or before text', () => {
    const empty = editorWith('')
    type(empty, '/')
    expect(menuOf(empty)).toMatchObject({ active: true, query: '' })

    const afterSpace = editorWith('and')
    type(afterSpace, ' /')
    expect(menuOf(afterSpace)?.active).toBe(true)

    const inWord = editorWith('and')
    type(inWord, '/or')
    expect(menuOf(inWord)?.active).toBe(false)

    const beforeText = editorWith('text')
    beforeText.commands.setTextSelection(beforeText.state.doc.content.size - 2 - 'text'.length)
    type(beforeText, '/')
    expect(menuOf(beforeText)?.active).toBe(false)
  })

  it('follows the letters typed after the slash, and closes on a space leaving the text', () => {
    const editor = editorWith('')
    type(editor, '/sub')
    const menu = menuOf(editor)!
    expect(menu).toMatchObject({ active: true, query: 'sub' })
    expect(editor.state.doc.textBetween(menu.range!.from, menu.range!.to)).toBe('/sub')
    type(editor, ' ')
    expect(menuOf(editor)?.active).toBe(false)
    expect(editor.state.doc.textContent).toBe('Heading/sub ')
  })

  it('closes when the slash is deleted', () => {
    const editor = editorWith('')
    type(editor, '/s')
    editor.commands.deleteRange({ from: editor.state.selection.from - 2, to: editor.state.selection.from })
    expect(menuOf(editor)?.active).toBe(false)
  })

  it('hands the open menu its keys, and closes on Escape leaving the text', () => {
    const seen: string[] = []
    const editor = editorWith('', (event) => {
      seen.push(event.key)
      return event.key === 'ArrowDown'
    })
    press(editor, 'ArrowDown')
    type(editor, '/de')
    expect(press(editor, 'ArrowDown')).toBe(true)
    expect(press(editor, 'Escape')).toBe(true)
    expect(seen).toEqual(['ArrowDown'])
    expect(menuOf(editor)?.active).toBe(false)
    expect(editor.state.doc.textContent).toBe('Heading/de')
  })

  it('leaves a key the menu does not use to the editor: Enter with nothing to choose breaks the line', () => {
    const editor = editorWith('')
    type(editor, '/xyz')
    expect(press(editor, 'Enter')).toBe(true)
    expect(menuOf(editor)?.active).toBe(false)
    expect(editor.state.doc.child(0).childCount).toBe(3)
  })
})

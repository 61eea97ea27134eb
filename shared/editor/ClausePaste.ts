/**
 * Pasting into the contract. HTML from Word or a web page is cleaned before it is parsed, and
 * pasted headings become clauses: each heading with the blocks after it, lower-level headings
 * nested as sub-clauses, so a pasted document arrives numbered like the rest of the contract.
 *
 * Safety rests on three layers, each enough for what it covers:
 * 1. ProseMirror parses clipboard HTML into a detached document, where no script runs and no
 *    image loads; `cleanPastedHTML` parses with `DOMParser`, which is inert in the same way.
 * 2. `cleanPastedHTML` removes what must not reach the parser at all: active content and form
 *    controls (whose text the parser would otherwise keep), event handlers, script URLs, and
 *    Word's markup, so that no future parse rule can pick any of it up.
 * 3. The schema's parse rules keep only the nodes, marks and attributes the contract knows;
 *    a link survives only with a protocol the Link extension allows (`isAllowedUri`).
 */
import { Extension } from '@tiptap/core'
import { Fragment, type Node as ProseMirrorNode, type Schema, Slice } from '@tiptap/pm/model'
import { type EditorState, Plugin, PluginKey, TextSelection } from '@tiptap/pm/state'
import { CLAUSE_HEADING_LEVEL } from './clauseCommands.ts'

/** Removed with everything inside them: active content, form controls, document metadata. */
const DROPPED_ELEMENTS = [
  'script', 'noscript', 'template', 'style', 'link', 'meta', 'title', 'base', 'xml',
  'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math', 'canvas', 'audio', 'video',
  'input', 'select', 'textarea', 'button',
].join(', ')

/** Attributes holding a URL; one with a scheme that runs code or embeds a document is removed. */
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href']
const UNSAFE_URL = /^(?:javascript|vbscript|data):/i


/**
 * Clipboard HTML made fit to parse: Word's and the web page's cruft and anything unsafe
 * removed, and Word's outline-level paragraphs turned into `<h1>`…`<h6>`. Tables are kept:
 * the schema has them (schedules such as fee bands).
 */
export function cleanPastedHTML(html: string): string {
  const doc = new window.DOMParser().parseFromString(html, 'text/html')
  const levelsByClass = outlineLevelsByClass(doc)
  removeComments(doc)
  for (const element of doc.querySelectorAll(DROPPED_ELEMENTS)) element.remove()
  // A whole page is often one form (ASP.NET, search boxes): keep its content, lose the form.
  for (const form of doc.body.querySelectorAll('form')) form.replaceWith(...form.childNodes)
  for (const element of [...doc.body.querySelectorAll('*')]) {
    if (tagOf(element) === 'o:p') {
      element.remove()
    } else if (tagOf(element).includes(':')) {
      // Other Office namespaces (w:sdt content controls, v:textbox …) wrap real text.
      element.replaceWith(...element.childNodes)
    } else {
      const level = outlineLevel(element, levelsByClass)
      removeUnsafeAttributes(element)
      if (level !== null) replaceTag(element, `h${level}`)
    }
  }
  for (const heading of doc.body.querySelectorAll('h1, h2, h3, h4, h5, h6')) removeWordListNumbers(heading)
  for (const element of doc.body.querySelectorAll('[style], [class]')) removeOfficeStyling(element)
  return doc.body.innerHTML
}

/** An element's tag as written, prefix included (`o:p`): DOMs disagree on `localName` for those. */
function tagOf(element: Element): string {
  return element.nodeName.toLowerCase()
}

/** Word's conditional comments (`<!--[if gte mso 9]>…`, `<![if !supportLists]>`) and the rest. */
function removeComments(doc: Document): void {
  const walker = doc.createTreeWalker(doc, NodeFilter.SHOW_COMMENT)
  const comments: Node[] = []
  while (walker.nextNode()) comments.push(walker.currentNode)
  for (const comment of comments) comment.parentNode?.removeChild(comment)
}

function removeUnsafeAttributes(element: Element): void {
  for (const { name, value } of [...element.attributes]) {
    const isHandler = name.toLowerCase().startsWith('on')
    // Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
    const isUnsafeUrl = URL_ATTRIBUTES.includes(name.toLowerCase()) && UNSAFE_URL.test(value.replace(/[\s\u0000-\u001f]/g, ''))
    if (isHandler || isUnsafeUrl) element.removeAttribute(name)
  }
}

/** A style attribute's declarations, read from the attribute because CSSOM drops `mso-*`. */
function styleDeclarations(element: Element): Array<[name: string, value: string]> {
  const declarations: Array<[string, string]> = []
  for (const declaration of (element.getAttribute('style') ?? '').split(';')) {
    const colon = declaration.indexOf(':')
    if (colon > 0) declarations.push([declaration.slice(0, colon).trim().toLowerCase(), declaration.slice(colon + 1).trim()])
  }
  return declarations
}

/**
 * The heading level Word (or Word on the web) gave a paragraph, or null for body text: a
 * `MsoHeadingN` class, an inline or style-sheet `mso-outline-level`, or `role="heading"`.
 * Word has nine outline levels; the schema's headings stop at six.
 */
function outlineLevel(element: Element, levelsByClass: ReadonlyMap<string, number>): number | null {
  if (tagOf(element) !== 'p') return null
  const levels: number[] = []
  if (element.getAttribute('role') === 'heading') levels.push(Number(element.getAttribute('aria-level') ?? 2))
  for (const name of element.classList) {
    const numbered = /^MsoHeading(\d)$/i.exec(name)
    if (numbered) levels.push(Number(numbered[1]))
    const fromSheet = levelsByClass.get(name)
    if (fromSheet !== undefined) levels.push(fromSheet)
  }
  for (const [name, value] of styleDeclarations(element)) {
    if (name === 'mso-outline-level') levels.push(Number.parseInt(value, 10))
  }
  const level = levels.find((candidate) => Number.isInteger(candidate) && candidate >= 1 && candidate <= 9)
  return level === undefined ? null : Math.min(level, 6)
}

/**
 * Word's paragraph styles with an outline level, by class name, from the pasted style sheet:
 * a custom heading style ("Schedule Heading", "Level 1") reaches the clipboard as
 * `p.ScheduleHeading {…mso-outline-level:1…}` and a `<p class=ScheduleHeading>`.
 */
function outlineLevelsByClass(doc: Document): Map<string, number> {
  const levels = new Map<string, number>()
  for (const style of doc.querySelectorAll('style')) {
    const css = (style.textContent ?? '').replace(/\/\*[\s\S]*?\*\/|<!--|-->/g, '')
    for (const [, selectors = '', body = ''] of css.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
      const level = /mso-outline-level\s*:\s*(\d+)/i.exec(body)
      if (!level) continue
      for (const selector of selectors.split(',')) {
        const name = /^\s*(?:p|div)?\.([\w-]+)\s*$/i.exec(selector)?.[1]
        if (name) levels.set(name, Number(level[1]))
      }
    }
  }
  return levels
}

function replaceTag(element: Element, tag: string): void {
  const replacement = element.ownerDocument.createElement(tag)
  replacement.append(...element.childNodes)
  element.replaceWith(replacement)
}

/** Word's own numbering of a heading ("1.2", in a `mso-list:Ignore` span): clauses number themselves. */
function removeWordListNumbers(heading: Element): void {
  for (const span of heading.querySelectorAll('span[style]')) {
    const isListNumber = styleDeclarations(span).some(([name, value]) => name === 'mso-list' && value.toLowerCase() === 'ignore')
    if (isListNumber) span.remove()
  }
}

function removeOfficeStyling(element: Element): void {
  if (element.hasAttribute('style')) {
    const kept = styleDeclarations(element).filter(([name]) => !name.startsWith('mso-'))
    if (kept.length > 0) element.setAttribute('style', kept.map(([name, value]) => `${name}: ${value}`).join('; '))
    else element.removeAttribute('style')
  }
  for (const name of [...element.classList]) if (/^Mso/i.test(name)) element.classList.remove(name)
  if (element.classList.length === 0) element.removeAttribute('class')
}

/**
 * The pasted slice with its top-level headings turned into clauses: a heading takes the blocks
 * after it up to the next heading of the same or a higher level, and a lower-level heading in
 * between becomes its sub-clause. Levels are relative, so content starting at `<h2>` works,
 * and each clause heading is given the contract's clause heading level. Blocks before the first
 * heading stay as they are, so they join the clause being pasted into; a slice without
 * top-level headings is returned unchanged.
 *
 * New clauses have no id: ClauseEditing's guard gives every clause without one a fresh id in
 * the same update, so ids are made in one place.
 */
export function clausesFromHeadings(slice: Slice, schema: Schema): Slice {
  const clauseType = schema.nodes.clause
  const headingType = schema.nodes.heading
  const paragraphType = schema.nodes.paragraph
  if (!clauseType || !headingType || !paragraphType) return slice
  const nodes: ProseMirrorNode[] = []
  slice.content.forEach((node) => nodes.push(node))
  if (!nodes.some((node) => node.type === headingType)) return slice

  const loose: ProseMirrorNode[] = []
  const open: Array<{ level: number; heading: ProseMirrorNode; children: ProseMirrorNode[] }> = []
  const closeInnermost = () => {
    const { heading, children } = open.pop()!
    const clauseHeading = headingType.create({ ...heading.attrs, level: CLAUSE_HEADING_LEVEL }, heading.content, heading.marks)
    const clause = clauseType.create({ clauseId: null }, [clauseHeading, ...wrapInlineRuns(children, paragraphType)])
    ;(open.at(-1)?.children ?? loose).push(clause)
  }
  for (const node of nodes) {
    if (node.type === headingType) {
      const level = node.attrs.level as number
      while (open.length > 0 && open.at(-1)!.level >= level) closeInnermost()
      open.push({ level, heading: node, children: [] })
    } else {
      ;(open.at(-1)?.children ?? loose).push(node)
    }
  }
  // The last pasted block stays open through the clauses now around it, so the text after the
  // cursor joins it as it would without clauses; unless it is a heading, which that text would
  // otherwise turn into a title.
  const clausesAroundLast = open.length
  while (open.length > 0) closeInnermost()

  const first = nodes[0]!
  const last = nodes.at(-1)!
  const content = Fragment.from(wrapInlineRuns(loose, paragraphType))
  const openStart = first.type === headingType ? 0 : slice.openStart
  const openEnd = slice.openEnd > 0 && last.type !== headingType ? slice.openEnd + clausesAroundLast : 0
  return new Slice(content, openStart, openEnd)
}

/** Inline nodes among blocks (text beside a heading) gathered into paragraphs. */
function wrapInlineRuns(nodes: ProseMirrorNode[], paragraphType: NonNullable<Schema['nodes'][string]>): ProseMirrorNode[] {
  const result: ProseMirrorNode[] = []
  let run: ProseMirrorNode[] = []
  const flush = () => {
    if (run.length > 0) result.push(paragraphType.create(null, run))
    run = []
  }
  for (const node of nodes) {
    if (node.isInline) {
      run.push(node)
    } else {
      flush()
      result.push(node)
    }
  }
  flush()
  return result
}

/** Whether a pasted slice is whole clauses only, as a paste starting with a heading becomes. */
function isWholeClauses(slice: Slice): boolean {
  let isClauses = slice.openStart === 0 && slice.content.childCount > 0
  slice.content.forEach((node) => {
    if (node.type.name !== 'clause') isClauses = false
  })
  return isClauses
}

/** A clause with no text and nothing in it but empty textblocks: one just inserted to paste into. */
function isEmptyClause(clause: ProseMirrorNode): boolean {
  let isEmpty = true
  clause.forEach((child) => {
    if (!child.isTextblock || child.content.size > 0) isEmpty = false
  })
  return isEmpty
}

/**
 * Where pasted clauses go when the cursor is in a clause's heading, where ProseMirror's fitting
 * would split the heading and leave half of it behind: in place of the clause when it is still
 * empty, before it when the cursor is at the heading's start, after it (and its sub-clauses)
 * otherwise. Null anywhere else: in a clause's body the fitting makes them sub-clauses at the
 * cursor, and a range selection is replaced as usual.
 */
export function clauseInsertionRange(state: EditorState, slice: Slice): { from: number; to: number } | null {
  const { selection } = state
  const { $from } = selection
  if (!selection.empty || !isWholeClauses(slice) || $from.depth < 2) return null
  const isInClauseHeading =
    $from.parent.type.name === 'heading' && $from.node(-1).type.name === 'clause' && $from.index(-1) === 0
  if (!isInClauseHeading) return null
  const clause = $from.node(-1)
  const clausePos = $from.before(-1)
  if (isEmptyClause(clause)) return { from: clausePos, to: clausePos + clause.nodeSize }
  const at = $from.parentOffset === 0 ? clausePos : clausePos + clause.nodeSize
  return { from: at, to: at }
}

const clausePasteKey = new PluginKey('clausePaste')

/**
 * Cleans pasted HTML, turns pasted headings into clauses and places pasted clauses at clause
 * level when the cursor is in a heading; plain text pastes as paragraphs.
 */
export const ClausePaste = Extension.create({
  name: 'clausePaste',

  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: clausePasteKey,
        props: {
          transformPastedHTML: (html) => cleanPastedHTML(html),
          transformPasted: (slice, view, isPlainText) => (isPlainText ? slice : clausesFromHeadings(slice, view.state.schema)),
          handlePaste: (view, _event, slice) => {
            const range = clauseInsertionRange(view.state, slice)
            if (!range) return false
            const tr = view.state.tr.replaceWith(range.from, range.to, slice.content)
            const end = range.from + slice.content.size
            tr.setSelection(TextSelection.near(tr.doc.resolve(end), -1))
            // The same metadata as ProseMirror's own paste, which paste rules look for.
            view.dispatch(tr.scrollIntoView().setMeta('paste', true).setMeta('uiEvent', 'paste'))
            return true
          },
        },
      }),
    ]
  },
})

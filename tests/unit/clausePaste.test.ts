// @vitest-environment happy-dom
// @vitest-environment-options {"settings":{"enableJavaScriptEvaluation":true,"suppressInsecureJavaScriptEnvironmentWarning":true}}
/**
 * Pasting into the contract through a real editor with the contract's extensions: Word's
 * headings become clauses, a web page's active content does not survive, clause ids stay
 * unique, and text is never lost. Script evaluation is on in this DOM so that "no script
 * ran" is a claim the tests can get wrong (one test shows that a live script does run).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Editor } from '@tiptap/core'
import type { Node as ProseMirrorNode } from '@tiptap/pm/model'
import { clauseNumbers } from '../../shared/editor/Clause.ts'
import { cleanPastedHTML } from '../../shared/editor/ClausePaste.ts'
import { contractExtensions } from '../../shared/editor/extensions.ts'

/** Set by the hostile fragments' payloads; must stay unset. */
type Flags = typeof globalThis & { pwned?: string[] }
const flags = globalThis as Flags

const editors: Editor[] = []
afterEach(() => {
  for (const editor of editors.splice(0)) editor.destroy()
  delete flags.pwned
})

/** An editor holding two clauses: "Parties" (one paragraph) and "Term" (one paragraph). */
function contractEditor(): Editor {
  const editor = new Editor({
    element: document.createElement('div'),
    extensions: contractExtensions(),
    content:
      '<section data-clause-id="parties"><h2>Parties</h2><p>The council and the provider.</p></section>' +
      '<section data-clause-id="term"><h2>Term</h2><p>Three years.</p></section>',
  })
  editors.push(editor)
  return editor
}

/** Puts the cursor `offset` characters into the first text node reading `text`. */
function placeCursor(editor: Editor, text: string, offset: number): void {
  let cursor = -1
  editor.state.doc.descendants((node, pos) => {
    if (cursor < 0 && node.isText && node.text === text) cursor = pos + offset
  })
  expect(cursor).toBeGreaterThanOrEqual(0)
  editor.commands.setTextSelection(cursor)
}

/**
 * The document as an indented outline: a clause as "number heading", any other block as its
 * text in quotes, children indented under their clause.
 */
function outline(doc: ProseMirrorNode): string[] {
  const numbers = clauseNumbers(doc)
  const lines: string[] = []
  const visit = (parent: ProseMirrorNode, parentPos: number, indent: string) => {
    parent.forEach((child, offset) => {
      const pos = parentPos + offset
      if (child.type.name === 'clause') {
        lines.push(`${indent}${numbers.get(pos)} ${child.firstChild!.textContent}`)
        visit(child, pos + 1, `${indent}  `)
      } else if (!(parent.type.name === 'clause' && offset === 0)) {
        lines.push(`${indent}"${child.textContent}"`)
      }
    })
  }
  visit(doc, 0, '')
  return lines
}

function clauseIds(doc: ProseMirrorNode): string[] {
  const ids: string[] = []
  doc.descendants((node) => {
    if (node.type.name === 'clause') ids.push(node.attrs.clauseId as string)
  })
  return ids
}

/** Word's clipboard HTML for two headed sections, trimmed but in Word's own shape. */
const WORD_FRAGMENT = `<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<link rel=File-List href="file:///C:/Users/chair/AppData/Local/Temp/msohtmlclip1/01/clip_filelist.xml">
<!--[if gte mso 9]><xml>
 <o:OfficeDocumentSettings>
  <o:AllowPNG/>
 </o:OfficeDocumentSettings>
</xml><![endif]-->
<style>
<!--
 /* Style Definitions */
 p.MsoNormal, li.MsoNormal, div.MsoNormal
	{mso-style-unhide:no;
	mso-style-qformat:yes;
	margin:0cm;
	font-size:12.0pt;
	font-family:"Calibri",sans-serif;}
h1
	{mso-style-link:"Heading 1 Char";
	mso-outline-level:1;
	font-size:16.0pt;
	font-weight:bold;}
p.ScheduleHeading, li.ScheduleHeading, div.ScheduleHeading
	{mso-style-name:"Schedule Heading";
	mso-style-unhide:no;
	mso-outline-level:1;
	font-weight:bold;}
-->
</style>
</head>
<body lang=EN-GB style='tab-interval:36.0pt;word-wrap:break-word'>
<!--StartFragment-->
<h1 style='margin-left:21.6pt;text-indent:-21.6pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span
style='mso-list:Ignore'>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp; </span></span><![endif]>Definitions<o:p></o:p></h1>
<p class=MsoNormal>In this Contract the following words have the
following meanings.<o:p></o:p></p>
<p class=MsoNormal style='mso-outline-level:2'><span lang=EN-GB>Young Person<o:p></o:p></span></p>
<p class=MsoNormal><b><span style='mso-bidi-font-weight:normal'>Young Person</span></b> means a child placed in the Home.<o:p></o:p></p>
<p class=MsoHeading3>Age<o:p></o:p></p>
<p class=MsoNormal>Under eighteen at the start of the Placement.<o:p></o:p></p>
<p class=MsoHeading2>Placement<o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l1 level1 lfo2'><![if !supportLists]><span
style='mso-list:Ignore'>(a)<span style='font:7.0pt "Times New Roman"'> </span></span><![endif]>a placement in the Home.<o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=ScheduleHeading>Schedule 1: Fees<o:p></o:p></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;mso-yfti-tbllook:1184'>
 <tr style='mso-yfti-irow:0;mso-yfti-firstrow:yes'>
  <td width=301 valign=top style='width:225.4pt;padding:0cm 5.4pt 0cm 5.4pt'><p class=MsoNormal><b>Placement type<o:p></o:p></b></p></td>
  <td width=301 valign=top style='width:225.4pt;padding:0cm 5.4pt 0cm 5.4pt'><p class=MsoNormal><b>Weekly fee<o:p></o:p></b></p></td>
 </tr>
 <tr style='mso-yfti-irow:1;mso-yfti-lastrow:yes'>
  <td width=301 valign=top style='width:225.4pt'><p class=MsoNormal>Standard<o:p></o:p></p></td>
  <td width=301 valign=top style='width:225.4pt'><p class=MsoNormal>£3,000<o:p></o:p></p></td>
 </tr>
</table>
<!--EndFragment-->
</body>
</html>`

/** A web page fragment that tries every way in that the contract must refuse. */
const HOSTILE_FRAGMENT = `
<div onclick="(globalThis.pwned ??= []).push('div onclick')">
  <h2 onmouseover="(globalThis.pwned ??= []).push('h2 onmouseover')">Safeguarding</h2>
  <script>(globalThis.pwned ??= []).push('script')</script>
  <p>Report concerns <a href="javascript:(globalThis.pwned ??= []).push('javascript link')">here</a>
  or <a href=" java&#x09;script:(globalThis.pwned ??= []).push('obfuscated link')">there</a>
  or <a href="data:text/html,<script>(globalThis.pwned ??= []).push('data link')</script>">elsewhere</a>
  or <a href="vbscript:msgbox(1)">by basic</a>
  to the <a href="https://example.org/lado" onclick="(globalThis.pwned ??= []).push('a onclick')">LADO</a>.</p>
  <img src="missing.png" onerror="(globalThis.pwned ??= []).push('img onerror')">
  <iframe srcdoc="<script>(parent.pwned ??= []).push('iframe')</script>">Frames are not supported.</iframe>
  <object data="evil.swf"><embed src="evil.swf"></object>
  <svg onload="(globalThis.pwned ??= []).push('svg onload')"><a href="javascript:(globalThis.pwned ??= []).push('svg link')"><text>drawing</text></a></svg>
  <form action="javascript:(globalThis.pwned ??= []).push('form')"><p>Name</p><input value="secret"><textarea>typed</textarea><button>Send</button></form>
  <p style="color: red" class="note" data-x="1">Within one working day.</p>
</div>`

describe('pasting from Word', () => {
  it('turns headings into clauses and outline levels into sub-clauses, dropping Word markup', () => {
    const editor = contractEditor()
    placeCursor(editor, 'Term', 4)
    editor.view.pasteHTML(WORD_FRAGMENT)

    expect(outline(editor.state.doc)).toEqual([
      '1 Parties',
      '  "The council and the provider."',
      '2 Term',
      '  "Three years."',
      '3 Definitions',
      '  "In this Contract the following words have the following meanings."',
      '  3.1 Young Person',
      '    "Young Person means a child placed in the Home."',
      '    3.1.1 Age',
      '      "Under eighteen at the start of the Placement."',
      '  3.2 Placement',
      '    "(a) a placement in the Home."',
      '    ""',
      '4 Schedule 1: Fees',
      '  "Placement typeWeekly feeStandard£3,000"',
    ])
    // The fee table stays a table, row by row and cell by cell.
    const schedule = editor.state.doc.lastChild!
    const table = schedule.child(1)
    expect(table.type.name).toBe('table')
    expect(table.content.content.map((row) => row.content.content.map((cell) => cell.textContent))).toEqual([
      ['Placement type', 'Weekly fee'],
      ['Standard', '£3,000'],
    ])
    const html = editor.getHTML()
    expect(html).toContain('<p><strong>Young Person</strong> means a child placed in the Home.</p>')
    // (The table's own column widths are the only inline style: the editor draws them.)
    for (const cruft of ['mso', 'Mso', 'o:p', '<!--', '[if', 'xml', 'Calibri', 'clip_filelist', 'padding', 'border-collapse']) {
      expect(html).not.toContain(cruft)
    }
    // The cleaning did this, not only the schema, which drops unknown markup anyway.
    const cleaned = cleanPastedHTML(WORD_FRAGMENT)
    for (const cruft of ['mso-', 'Mso', 'o:p', '<!--', '<![', '<style', '<meta', '<link', '<xml']) {
      expect(cleaned).not.toContain(cruft)
    }
    expect(cleaned).toMatch(/<h1[^>]*>Definitions<\/h1>/)
    expect(cleaned).toContain('<h2><span lang="EN-GB">Young Person</span></h2>')
    expect(cleaned).toContain('<h1>Schedule 1: Fees</h1>')
    // Every clause heading at the contract's one clause level; the depth is the nesting.
    expect(html.match(/<h\d/g)).toEqual(['<h2', '<h2', '<h2', '<h2', '<h2', '<h2', '<h2'])
    editor.state.doc.check()
  })

  it('gives each pasted clause a fresh id, also when the same clauses are pasted twice', () => {
    const editor = contractEditor()
    placeCursor(editor, 'Term', 4)
    editor.view.pasteHTML(WORD_FRAGMENT)
    placeCursor(editor, 'Term', 4)
    editor.view.pasteHTML(WORD_FRAGMENT)

    const ids = clauseIds(editor.state.doc)
    expect(ids).toHaveLength(2 + 2 * 5)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.slice(0, 2)).toEqual(['parties', 'term'])
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true)
  })

  it('starts a clause at whatever level the first heading has, and nests by relative level', () => {
    const editor = contractEditor()
    placeCursor(editor, 'Term', 4)
    editor.view.pasteHTML('<h3>Fees</h3><p>Monthly.</p><h4>Late payment</h4><p>Interest.</p><h2>Review</h2><p>Yearly.</p>')

    expect(outline(editor.state.doc).slice(4)).toEqual([
      '3 Fees',
      '  "Monthly."',
      '  3.1 Late payment',
      '    "Interest."',
      '4 Review',
      '  "Yearly."',
    ])
  })
})

describe('pasting from a web page', () => {
  it('runs scripts in a live document of this test DOM, so the checks below can fail', () => {
    const host = document.body.appendChild(document.createElement('div'))
    const script = document.createElement('script')
    script.textContent = "(globalThis.pwned ??= []).push('live script')"
    host.append(script)
    expect(flags.pwned).toEqual(['live script'])
    host.remove()
  })

  it('keeps the text and a safe link, and nothing that runs', async () => {
    const editor = contractEditor()
    placeCursor(editor, 'Three years.', 12)
    editor.view.pasteHTML(HOSTILE_FRAGMENT)
    // Give load and error events a chance, then fire the events handlers would listen for.
    await new Promise((resolve) => setTimeout(resolve, 50))
    for (const element of editor.view.dom.querySelectorAll('*')) {
      for (const type of ['click', 'mouseover', 'error', 'load']) element.dispatchEvent(new Event(type))
    }

    expect(flags.pwned).toBeUndefined()
    const html = editor.getHTML()
    for (const unsafe of ['script', 'javascript', 'vbscript', 'data:', 'onclick', 'onerror', 'onmouseover', '<img', '<iframe', '<object', '<embed', '<svg', '<form', '<input', 'secret', 'typed', 'Send', 'drawing', 'Frames', 'style=', 'data-x']) {
      expect(html).not.toContain(unsafe)
    }
    expect(editor.view.dom.querySelectorAll('script, img, iframe, object, embed, svg, form, input, [onclick], [onerror]')).toHaveLength(0)
    expect(outline(editor.state.doc).slice(2)).toEqual([
      '2 Term',
      '  "Three years."',
      '  2.1 Safeguarding',
      '    "Report concerns here or there or elsewhere or by basic to the LADO."',
      '    "Name"',
      '    "Within one working day."',
    ])
    expect(html).toContain('<a target="_blank" rel="noopener noreferrer nofollow" href="https://example.org/lado">LADO</a>')
    expect(html).toContain('Report concerns here or there or elsewhere or by basic to the')
  })

  it('removes unsafe markup before the schema sees it, not only through the schema', () => {
    const cleaned = cleanPastedHTML(HOSTILE_FRAGMENT)
    const doc = new window.DOMParser().parseFromString(cleaned, 'text/html')
    expect(doc.querySelectorAll('script, img[onerror], iframe, object, embed, svg, form, input, textarea, button')).toHaveLength(0)
    for (const element of doc.querySelectorAll('*')) {
      for (const { name, value } of element.attributes) {
        expect(name.startsWith('on'), `${element.nodeName} ${name}`).toBe(false)
        expect(value.replace(/\s/g, ''), `${element.nodeName} ${name}`).not.toMatch(/^(javascript|vbscript|data):/i)
      }
    }
    expect(doc.querySelector('a[href="https://example.org/lado"]')?.textContent).toBe('LADO')
    expect(doc.body.textContent).toContain('Within one working day.')
  })
})

describe('where pasted content lands', () => {
  it('makes clauses pasted in the middle of a paragraph sub-clauses there, losing no text', () => {
    const editor = contractEditor()
    placeCursor(editor, 'The council and the provider.', 'The council'.length)
    editor.view.pasteHTML('<h1>Fees</h1><p>Paid monthly.</p><h1>Review</h1><p>Every year</p>')

    editor.state.doc.check()
    expect(outline(editor.state.doc)).toEqual([
      '1 Parties',
      '  "The council"',
      '  1.1 Fees',
      '    "Paid monthly."',
      '  1.2 Review',
      // The text after the cursor joins the last pasted paragraph, as in any paste.
      '    "Every year and the provider."',
      '2 Term',
      '  "Three years."',
    ])
  })

  it('replaces a new empty clause with the pasted clauses, at its level', () => {
    const editor = contractEditor()
    placeCursor(editor, 'Parties', 3)
    editor.commands.insertClauseAfter()
    editor.view.pasteHTML('<h1>Fees</h1><p>Paid monthly.</p><h2>Late payment</h2><p>Interest.</p>')

    expect(outline(editor.state.doc)).toEqual([
      '1 Parties',
      '  "The council and the provider."',
      '2 Fees',
      '  "Paid monthly."',
      '  2.1 Late payment',
      '    "Interest."',
      '3 Term',
      '  "Three years."',
    ])
    expect(editor.state.selection.$from.parent.textContent).toBe('Interest.')
  })

  it('puts pasted clauses before a clause from the start of its heading, after it from elsewhere in it', () => {
    const editor = contractEditor()
    placeCursor(editor, 'Term', 0)
    editor.view.pasteHTML('<h1>Fees</h1><p>Paid monthly.</p>')
    placeCursor(editor, 'Term', 2)
    editor.view.pasteHTML('<h1>Review</h1><p>Every year.</p>')

    expect(outline(editor.state.doc)).toEqual([
      '1 Parties',
      '  "The council and the provider."',
      '2 Fees',
      '  "Paid monthly."',
      '3 Term',
      '  "Three years."',
      '4 Review',
      '  "Every year."',
    ])
  })

  it('pastes content without headings into the current clause as paragraphs and lists', () => {
    const editor = contractEditor()
    placeCursor(editor, 'Three years.', 12)
    editor.view.pasteHTML('<p>Renewable once.</p><ul><li><p>by agreement</p></li></ul><p>Notice: <b>six months</b>.</p>')

    expect(outline(editor.state.doc).slice(2)).toEqual([
      '2 Term',
      '  "Three years.Renewable once."',
      '  "by agreement"',
      '  "Notice: six months."',
    ])
    expect(clauseIds(editor.state.doc)).toEqual(['parties', 'term'])
    expect(editor.getHTML()).toContain('<ul><li><p>by agreement</p></li></ul><p>Notice: <strong>six months</strong>.</p>')
  })

  it('pastes plain text as plain paragraphs, even when a line looks like a heading', () => {
    const editor = contractEditor()
    placeCursor(editor, 'Three years.', 12)
    editor.view.pasteText(' Renewable once.\n\n<h1>Fees</h1>\nPaid monthly.')

    expect(outline(editor.state.doc).slice(2)).toEqual([
      '2 Term',
      '  "Three years. Renewable once."',
      '  "<h1>Fees</h1>"',
      '  "Paid monthly."',
    ])
    expect(clauseIds(editor.state.doc)).toEqual(['parties', 'term'])
  })

  it('keeps the original clause its id when a copy of it is pasted before it', () => {
    const editor = contractEditor()
    const { doc } = editor.state
    // What copying the whole "Term" clause puts on the clipboard.
    const { dom } = editor.view.serializeForClipboard(doc.slice(doc.child(0).nodeSize, doc.content.size))
    expect(dom.innerHTML).toContain('data-clause-id="term"')
    placeCursor(editor, 'Parties', 0)
    editor.view.pasteHTML(dom.innerHTML)

    const ids = clauseIds(editor.state.doc)
    expect(outline(editor.state.doc).map((line) => line.trim())).toEqual(['1 Term', '"Three years."', '2 Parties', '"The council and the provider."', '3 Term', '"Three years."'])
    expect(ids[0]).not.toBe('term')
    expect(ids.slice(1)).toEqual(['parties', 'term'])
  })
})

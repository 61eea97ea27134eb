/**
 * Builders for Tiptap-shaped documents in the `body` fragment, so tests read as the document
 * they make: `writeParagraphs(doc, ['Definitions', 'In this contract…'])`.
 */
import * as Y from 'yjs'
import { getBody } from '../../shared/ydoc/schema.ts'

/** Appends paragraphs (`<paragraph>` elements holding text) to the body. */
export function writeParagraphs(doc: Y.Doc, texts: readonly string[]): void {
  doc.transact(() => {
    const body = getBody(doc)
    const paragraphs = texts.map((text) => {
      const paragraph = new Y.XmlElement('paragraph')
      paragraph.insert(0, [new Y.XmlText(text)])
      return paragraph
    })
    body.insert(body.length, paragraphs)
  })
}

/** The body's paragraphs as plain strings. */
export function readParagraphs(doc: Y.Doc): string[] {
  return getBody(doc)
    .toArray()
    .map((node) => (node instanceof Y.XmlElement ? node.toArray().map((child) => (child instanceof Y.XmlText ? child.toString() : '')).join('') : ''))
}

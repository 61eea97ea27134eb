/**
 * A fast typist over a raw sync client: numbered tokens typed into a paragraph of its own, as
 * separate updates, until the socket closes. Used by the crash and shutdown tests.
 */
import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { getBody } from '../../shared/ydoc/schema.ts'
import type { RawSyncClient } from './RawSyncClient.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Types `<prefix><n>` tokens into a new paragraph of the writer's body, in bursts of one to
 * three separate updates every few milliseconds (under the server's sustained rate), until the
 * socket closes. Records for each token the number of the message that carried it.
 */
export async function typeTokensUntilClosed(writer: RawSyncClient, prefix: string, random: prng.PRNG, messageOf: Map<string, number>): Promise<void> {
  const paragraph = new Y.XmlElement('paragraph')
  const text = new Y.XmlText()
  paragraph.insert(0, [text])
  getBody(writer.doc).push([paragraph])
  let count = 0
  while (writer.isOpen) {
    const burst = prng.int32(random, 1, 3)
    for (let i = 0; i < burst && writer.isOpen; i++) {
      const token = `${prefix}${count++}`
      text.insert(text.length, `${token} `)
      messageOf.set(token, writer.updatesSent)
    }
    await sleep(8)
  }
}

/**
 * One simulated person: a real Y.Doc speaking the y-websocket protocol over a raw `ws` socket
 * (no provider, no awareness, no reconnection — the least client work that is still honest).
 *
 * It answers the server's sync step 1, sends its own, counts itself synced at the first sync
 * step 2, and applies every update it receives. A writer types into a paragraph of its own:
 * each edit inserts a short marker carrying its clientID and the time it was sent
 * (`#t<clientID>:<epoch ms>;`), and trims its text when it grows long. Receivers find the
 * marker in the raw frame (before applying it) to measure how long the update took to reach
 * them; both ends use `performance.timeOrigin + performance.now()`, comparable across
 * processes of one machine.
 *
 * A writer given `suggests` writes as a suggester would instead: into an existing paragraph of
 * the document, every insertion marked as its own suggestion (one id made from its clientID,
 * recorded under the member's name by its first edit), and it trims only its own suggested text;
 * after a set number of edits it moves on to the next clause's paragraph.
 */
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { SUGGESTION_MARK, type SuggestionRecord, suggestionId } from '../shared/domain/suggestions.ts'
import { getBody, getSuggestions } from '../shared/ydoc/schema.ts'
import type { LatencyHistogram } from './LatencyHistogram.ts'

const MESSAGE_SYNC = 0
const SYNC_STEP_1 = 0
const SYNC_STEP_2 = 1
const SYNC_UPDATE = 2

/** Origin of updates that came from the server: they are not sent back. */
const REMOTE = Symbol('remote')

const MARKER = Buffer.from('#t')
const MARKER_END = 0x3b // ';'

/** A writer's paragraph stops growing here: each further edit also deletes as much. */
const MAX_TEXT_LENGTH = 1500

export function now(): number {
  return performance.timeOrigin + performance.now()
}

function encodeSync(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_SYNC)
  encoding.writeVarUint(encoder, step)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** What all clients of one worker share: where to count what they receive. */
export interface ReceiveCounters {
  /** Marked updates received from another client, with their latency recorded. */
  received: number
  readonly latency: LatencyHistogram
  /** Closes the client did not ask for, by close code. */
  readonly unexpectedCloses: Map<number, number>
  /** The server's reason for the last unexpected close with each code (kept until the clients are closed). */
  readonly closeReasons: Map<number, string>
}

export interface LoadClientOptions {
  /** `ws://127.0.0.1:<port>/collab/<room>` */
  readonly url: string
  readonly counters: ReceiveCounters
  /** Whether to apply received updates to the Y.Doc (on by default: a real client does). */
  readonly appliesUpdates?: boolean
  /** Deterministic choices of edit positions. */
  readonly random: () => number
  /** Write tracked suggestions into an existing clause instead of a paragraph of one's own. */
  readonly suggests?: SuggestionEdits
}

/** Where and as whom a writer makes its edits as tracked suggestions. */
export interface SuggestionEdits {
  /** Index in the body of the clause whose first paragraph the writer suggests into first. */
  readonly clause: number
  /**
   * Edits the writer makes in one paragraph before it moves on to the next clause's. Every
   * edit leaves items (tombstones, format boundaries) in the paragraph for good, and the cost of
   * judging a suggestion grows with them: this bounds a paragraph's history, so the figures do
   * not depend on how long the run lasts.
   */
  readonly editsPerClause: number
  /** Who the suggestion is recorded under: must be the server's principal for the connection. */
  readonly author: { readonly userId: string; readonly name: string; readonly organisation?: string }
}

export class LoadClient {
  readonly doc = new Y.Doc()
  readonly socket: WebSocket
  readonly synced: Promise<void>
  /** Bytes of the first sync step 2 the server sent. */
  syncStep2Bytes = 0
  #markSynced!: () => void
  #isSynced = false
  #isClosing = false
  #paragraph: Y.XmlText | null = null
  /** The one suggestion a suggesting writer's insertions belong to, once its first edit made it. */
  #suggestion: string | null = null
  /** Characters of suggested text this writer has in its paragraph. */
  #suggestedLength = 0
  /** The clause of the paragraph it suggests into, and the edits made there so far. */
  #clause = 0
  #editsInClause = 0
  readonly #options: LoadClientOptions

  constructor(options: LoadClientOptions) {
    this.#options = options
    this.socket = new WebSocket(options.url, { perMessageDeflate: false })
    this.synced = new Promise((resolve, reject) => {
      this.#markSynced = resolve
      this.socket.once('error', reject)
      this.socket.once('close', (code) => reject(new Error(`closed with ${code} before syncing`)))
    })
    this.synced.catch(() => {})
    this.socket.on('open', () => this.#send(encodeSync(SYNC_STEP_1, Y.encodeStateVector(this.doc))))
    this.socket.on('message', (data: Buffer) => this.#receive(data))
    this.socket.on('error', () => {})
    this.socket.on('close', (code, reason) => {
      if (this.#isClosing) return
      const closes = options.counters.unexpectedCloses
      closes.set(code, (closes.get(code) ?? 0) + 1)
      options.counters.closeReasons.set(code, reason.toString())
    })
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) this.#send(encodeSync(SYNC_UPDATE, update))
    })
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN
  }

  #send(message: Uint8Array): void {
    if (this.isOpen) this.socket.send(message)
  }

  #receive(data: Buffer): void {
    const receivedAt = now()
    const decoder = decoding.createDecoder(data)
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return // awareness, acks: not used here
    const step = decoding.readVarUint(decoder)
    const payload = decoding.readVarUint8Array(decoder)
    switch (step) {
      case SYNC_STEP_1:
        this.#send(encodeSync(SYNC_STEP_2, Y.encodeStateAsUpdate(this.doc, payload)))
        return
      case SYNC_STEP_2:
        Y.applyUpdate(this.doc, payload, REMOTE)
        if (!this.#isSynced) {
          this.#isSynced = true
          this.syncStep2Bytes = data.byteLength
          this.#markSynced()
        }
        return
      case SYNC_UPDATE:
        this.#recordLatency(data, receivedAt)
        if (this.#options.appliesUpdates !== false || this.#paragraph) Y.applyUpdate(this.doc, payload, REMOTE)
        return
    }
  }

  /** Finds the markers in a frame; counts and times those another client sent. */
  #recordLatency(data: Buffer, receivedAt: number): void {
    let at = data.indexOf(MARKER)
    while (at >= 0) {
      const end = data.indexOf(MARKER_END, at)
      if (end < 0) return
      const [client, sentAt] = data.toString('latin1', at + 2, end).split(':')
      if (Number(client) !== this.doc.clientID && sentAt !== undefined) {
        this.#options.counters.received++
        this.#options.counters.latency.record(receivedAt - Number(sentAt))
      }
      at = data.indexOf(MARKER, end)
    }
  }

  /** Makes one small edit in this client's own paragraph (created by the first edit), or suggests one. */
  edit(): void {
    if (this.#options.suggests) return this.#suggest(this.#options.suggests)
    const random = this.#options.random
    this.doc.transact(() => {
      if (!this.#paragraph) {
        const paragraph = new Y.XmlElement('paragraph')
        this.#paragraph = new Y.XmlText('')
        paragraph.insert(0, [this.#paragraph])
        const body = getBody(this.doc)
        body.insert(body.length, [paragraph])
      }
      const text = this.#paragraph
      const insertion = `#t${this.doc.clientID}:${now().toFixed(3)}; `
      if (text.length > MAX_TEXT_LENGTH) text.delete(Math.floor(random() * (text.length - insertion.length)), insertion.length)
      text.insert(Math.floor(random() * (text.length + 1)), insertion)
    })
  }

  /**
   * Inserts a marker at a random place of the clause's first paragraph (in the middle of
   * someone else's words as often as into its own), marked as this client's suggestion and
   * carrying on the formatting of the character before it, as an editor does (Yjs gives
   * inserted text exactly the attributes it is given: leaving out `bold` in bold text would
   * unformat it, which a suggester may not); the first edit also records the suggestion. Past
   * `MAX_TEXT_LENGTH` of suggested text it first removes as much of its own suggested text,
   * which a suggester may.
   */
  #suggest({ clause, editsPerClause, author }: SuggestionEdits): void {
    const random = this.#options.random
    this.doc.transact(() => {
      if (this.#suggestion === null) {
        this.#clause = clause
        this.#paragraph = firstParagraphOf(this.doc, clause)
        this.#suggestion = suggestionId(this.doc.clientID, 1)
        const record: SuggestionRecord = { authorId: author.userId, authorName: author.name, organisation: author.organisation ?? '', createdAt: Date.now() }
        getSuggestions(this.doc).set(this.#suggestion, record)
      } else if (this.#editsInClause >= editsPerClause) {
        // The suggested text stays where it is; the same suggestion goes on in the next clause.
        this.#clause = (this.#clause + 1) % getBody(this.doc).length
        this.#paragraph = firstParagraphOf(this.doc, this.#clause)
        this.#suggestedLength = 0
        this.#editsInClause = 0
      }
      this.#editsInClause++
      const text = this.#paragraph!
      const id = this.#suggestion
      const insertion = `#t${this.doc.clientID}:${now().toFixed(3)}; `
      if (this.#suggestedLength > MAX_TEXT_LENGTH) this.#suggestedLength -= deleteSuggestedText(text, id, insertion.length)
      const at = Math.floor(random() * (text.length + 1))
      text.insert(at, insertion, { ...formattingBefore(text, at), [SUGGESTION_MARK.insertion]: { id } })
      this.#suggestedLength += insertion.length
    })
  }

  close(): void {
    this.#isClosing = true
    this.socket.close()
  }
}

/** The text of the first paragraph of the `index`th clause of the body. */
function firstParagraphOf(doc: Y.Doc, index: number): Y.XmlText {
  const clause = getBody(doc).get(index)
  const paragraph = clause instanceof Y.XmlElement ? clause.toArray().find((node) => node instanceof Y.XmlElement && node.nodeName === 'paragraph') : undefined
  const text = paragraph instanceof Y.XmlElement ? paragraph.get(0) : undefined
  if (!(text instanceof Y.XmlText)) throw new Error(`the document has no paragraph in clause ${index} to suggest into (it has ${getBody(doc).length} clauses)`)
  return text
}

type DeltaOp = { insert: unknown; attributes?: Record<string, unknown> }

/** The formatting attributes of the character before `index` (none at the start). */
function formattingBefore(text: Y.XmlText, index: number): Record<string, unknown> {
  let offset = 0
  for (const op of text.toDelta() as DeltaOp[]) {
    offset += typeof op.insert === 'string' ? op.insert.length : 1
    if (offset >= index) return index > 0 ? { ...op.attributes } : {}
  }
  return {}
}

/** Deletes up to `length` characters of the first run of text marked as suggestion `id`; returns how many. */
function deleteSuggestedText(text: Y.XmlText, id: string, length: number): number {
  let offset = 0
  for (const op of text.toDelta() as DeltaOp[]) {
    const runLength = typeof op.insert === 'string' ? op.insert.length : 1
    const mark = op.attributes?.[SUGGESTION_MARK.insertion] as { id?: unknown } | undefined
    if (typeof op.insert === 'string' && mark?.id === id) {
      const count = Math.min(length, runLength)
      text.delete(offset, count)
      return count
    }
    offset += runLength
  }
  return 0
}

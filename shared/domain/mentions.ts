/**
 * Mentions and links in a comment's plain text. A mention is written in the body as
 * `@[Display Name](userId)`; links are bare `http:`, `https:` and `mailto:` addresses. The server
 * reads the mentioned userIds with `mentionedUserIds`; the client renders a body from
 * `tokenizeComment`'s segments, as text nodes and safe links, never as HTML.
 *
 * Both are pure functions of the text: no DOM, no state, the same answer on client and server.
 */

/** A piece of a comment body, in order; concatenating the `text`s gives back the body's words. */
export type CommentSegment =
  | { readonly type: 'text'; readonly text: string }
  /** `@[name](userId)`: `text` is the name as written (without the `@`). */
  | { readonly type: 'mention'; readonly userId: string; readonly text: string }
  /** A link whose `href` is always an `http:`, `https:` or `mailto:` URL; `text` is as written. */
  | { readonly type: 'link'; readonly href: string; readonly text: string }

/** The schemes a link may have. Anything else (javascript:, data:, vbscript: …) stays text. */
export const LINK_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:'])

/**
 * A mention: the display name (no brackets or line breaks, at most 120 characters) and a user
 * id shaped like the server's ids (letters, digits, `_` and `-`), so nothing else can pose as one.
 */
const MENTION = /@\[([^\[\]\r\n]{1,120})\]\(([A-Za-z0-9_-]{1,64})\)/g

/** A candidate link: a scheme we allow, then everything up to white space or a quote/angle. */
const LINK = /\b(?:https?:\/\/|mailto:)[^\s<>"'`]+/gi

/** Punctuation that ends a sentence rather than the address (`see https://x.org.`). */
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/

/** Writes the mention of a member as it is stored in a body. */
export function formatMention(name: string, userId: string): string {
  return `@[${name.replace(/[\[\]\r\n]/g, ' ').slice(0, 120)}](${userId})`
}

/** The distinct userIds mentioned in `body`, in order of first mention. */
export function mentionedUserIds(body: string): string[] {
  const ids: string[] = []
  for (const match of body.matchAll(MENTION)) if (!ids.includes(match[2]!)) ids.push(match[2]!)
  return ids
}

/**
 * Splits a body into text, mention and link segments. A link's href is the parsed URL and is
 * guaranteed to use an allowed protocol; something that looks like a link but does not parse
 * as one stays text. Adjacent text is merged, so the result is the shortest list.
 */
export function tokenizeComment(body: string): CommentSegment[] {
  const segments: CommentSegment[] = []
  const pushText = (text: string) => {
    if (text === '') return
    const last = segments.at(-1)
    if (last?.type === 'text') segments[segments.length - 1] = { type: 'text', text: last.text + text }
    else segments.push({ type: 'text', text })
  }
  let at = 0
  for (const match of body.matchAll(MENTION)) {
    for (const segment of linkSegments(body.slice(at, match.index))) segment.type === 'text' ? pushText(segment.text) : segments.push(segment)
    segments.push({ type: 'mention', userId: match[2]!, text: match[1]! })
    at = match.index! + match[0].length
  }
  for (const segment of linkSegments(body.slice(at))) segment.type === 'text' ? pushText(segment.text) : segments.push(segment)
  return segments
}

/** The safe href for `candidate`, or null when it is not a URL with an allowed protocol. */
export function safeHref(candidate: string): string | null {
  let url: URL
  try {
    url = new URL(candidate)
  } catch {
    return null
  }
  return LINK_PROTOCOLS.has(url.protocol) ? url.href : null
}

/** Text and link segments of a stretch without mentions. */
function linkSegments(text: string): CommentSegment[] {
  const segments: CommentSegment[] = []
  let at = 0
  for (const match of text.matchAll(LINK)) {
    const written = match[0].replace(TRAILING_PUNCTUATION, '')
    const href = safeHref(written)
    // A bare scheme ("https://") or an unparsable address is just words.
    if (href === null || written.length <= 'mailto:'.length) continue
    if (match.index! > at) segments.push({ type: 'text', text: text.slice(at, match.index) })
    segments.push({ type: 'link', href, text: written })
    at = match.index! + written.length
  }
  if (at < text.length) segments.push({ type: 'text', text: text.slice(at) })
  return segments
}

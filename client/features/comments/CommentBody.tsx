/**
 * A comment's text as people read it: plain text with line breaks, mentions as chips and links
 * that open in a new tab. Built from `tokenizeComment`'s segments as React text and elements,
 * never as HTML, so a body such as `<img src=x onerror=…>` shows as those characters; a link is
 * drawn only for an `http:`, `https:` or `mailto:` address (the tokenizer's guarantee, checked
 * again here), with `rel="noopener noreferrer nofollow"`.
 */
import { type CommentSegment, LINK_PROTOCOLS, tokenizeComment } from '../../../shared/domain/mentions.ts'

/** Whether `href` is a link this page may draw: it parses, with an allowed protocol. */
export function isSafeHref(href: string): boolean {
  try {
    return LINK_PROTOCOLS.has(new URL(href).protocol)
  } catch {
    return false
  }
}

export interface CommentBodyProps {
  readonly body: string
  /** The signed-in person: a mention of them is drawn stronger. */
  readonly userId?: string
}

export function CommentBody({ body, userId }: CommentBodyProps) {
  return (
    <p className="comment-body">
      {tokenizeComment(body).map((segment, index) => (
        <Segment key={index} segment={segment} userId={userId} />
      ))}
    </p>
  )
}

function Segment({ segment, userId }: { segment: CommentSegment; userId: string | undefined }) {
  switch (segment.type) {
    case 'mention':
      return (
        <span className={segment.userId === userId ? 'mention-chip is-me' : 'mention-chip'} data-user-id={segment.userId}>
          @{segment.text}
        </span>
      )
    case 'link':
      return isSafeHref(segment.href) ? (
        <a href={segment.href} target="_blank" rel="noopener noreferrer nofollow">
          {segment.text}
        </a>
      ) : (
        <>{segment.text}</>
      )
    default:
      return <>{segment.text}</>
  }
}

/**
 * Mentions and links in comment bodies: which members a body mentions, and the segments the
 * client renders, which never carry a link other than http:, https: or mailto:.
 */
import { describe, expect, it } from 'vitest'
import { formatMention, mentionedUserIds, safeHref, tokenizeComment } from '../../shared/domain/mentions.ts'

describe('mentions', () => {
  it('reads the mentioned userIds once each, in order of first mention', () => {
    const body = 'Thanks @[Paul Purchaser](u_paul-1), and @[Priya Provider](priya) — @[Paul](u_paul-1) again'
    expect(mentionedUserIds(body)).toEqual(['u_paul-1', 'priya'])
  })

  it('does not take a malformed mention for one', () => {
    expect(mentionedUserIds('@[Name](bad id) @[](x) @[Name]( x) [Name](x) @[Na]me](x) @[Name](javascript:alert(1))')).toEqual([])
  })

  it('writes a mention that reads back as the same member, whatever the name holds', () => {
    const written = formatMention('Chris [the] Chair\n', 'abc_DEF-123')
    expect(mentionedUserIds(`hello ${written}`)).toEqual(['abc_DEF-123'])
    expect(tokenizeComment(written)).toEqual([{ type: 'mention', userId: 'abc_DEF-123', text: 'Chris  the  Chair ' }])
  })
})

describe('tokenizeComment', () => {
  it('splits text, mentions and links, and the pieces give back the words', () => {
    const body = 'See https://example.org/clause?x=1#a, ask @[Chris Chair](chair1) or mailto:chair@demo.test.'
    const segments = tokenizeComment(body)
    expect(segments).toEqual([
      { type: 'text', text: 'See ' },
      { type: 'link', href: 'https://example.org/clause?x=1#a', text: 'https://example.org/clause?x=1#a' },
      { type: 'text', text: ', ask ' },
      { type: 'mention', userId: 'chair1', text: 'Chris Chair' },
      { type: 'text', text: ' or ' },
      { type: 'link', href: 'mailto:chair@demo.test', text: 'mailto:chair@demo.test' },
      { type: 'text', text: '.' },
    ])
  })

  it('keeps HTML as text: nothing in a body becomes markup', () => {
    const body = '<img src=x onerror=alert(1)><script>alert(1)</script>'
    expect(tokenizeComment(body)).toEqual([{ type: 'text', text: body }])
  })

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(document.cookie)',
    ' javascript://%0aalert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '@[x](javascript)(alert(1))',
    '[click](javascript:alert(1))',
    'http://"onmouseover="alert(1)',
    'https://',
    'mailto:',
    '\u0000javascript:alert(1)',
    'https://x.org/<script>',
  ])('never yields a link other than http, https or mailto from %j', (body) => {
    for (const segment of tokenizeComment(body)) {
      if (segment.type !== 'link') continue
      expect(['http:', 'https:', 'mailto:']).toContain(new URL(segment.href).protocol)
      expect(segment.href.toLowerCase()).not.toContain('javascript:')
      expect(segment.href).not.toMatch(/[<>"]/)
    }
    // Nothing is dropped: without mentions, the segments' texts are the body itself.
    const segments = tokenizeComment(body)
    if (segments.every((s) => s.type !== 'mention')) expect(segments.map((s) => s.text).join('')).toBe(body)
  })

  it('accepts only the allowed protocols as an href', () => {
    expect(safeHref('https://example.org')).toBe('https://example.org/')
    expect(safeHref('mailto:a@b.org')).toBe('mailto:a@b.org')
    expect(safeHref('javascript:alert(1)')).toBeNull()
    expect(safeHref('not a url')).toBeNull()
  })

  it('leaves an empty body empty', () => {
    expect(tokenizeComment('')).toEqual([])
  })
})

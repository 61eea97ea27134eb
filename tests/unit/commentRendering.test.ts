// @vitest-environment happy-dom
/**
 * Comment text drawn into a real DOM as the panel draws it: hostile bodies come out as the
 * characters typed — no element carries an event handler, no link goes anywhere but http,
 * https or mailto — while mentions become chips and honest links open safely in a new tab.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createElement } from 'react'
import { type Root, createRoot } from 'react-dom/client'
import { flushSync } from 'react-dom'
import { CommentBody, isSafeHref } from '../../client/features/comments/CommentBody.tsx'
import { readableExcerpt } from '../../client/features/inbox/InboxBell.tsx'

const roots: Root[] = []
afterEach(() => {
  for (const root of roots.splice(0)) root.unmount()
  document.body.innerHTML = ''
})

/** Renders a comment body for `userId` and returns the element it was drawn in. */
function draw(body: string, userId = 'u-chair'): HTMLElement {
  const container = document.createElement('div')
  document.body.append(container)
  const root = createRoot(container)
  roots.push(root)
  flushSync(() => root.render(createElement(CommentBody, { body, userId })))
  return container
}

/** Every attribute of every element under `container`, as `name=value`. */
function attributesIn(container: HTMLElement): string[] {
  return [...container.querySelectorAll('*')].flatMap((element) => [...element.attributes].map((attribute) => `${attribute.name}=${attribute.value}`))
}

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  'javascript:alert(1)',
  '<a href="javascript:alert(1)">click</a>',
  '<script>alert(1)</script>',
  'JaVaScRiPt:alert(document.cookie) and data:text/html;base64,PHNjcmlwdD4=',
  '@[<b onmouseover=alert(1)>Evil</b>](u-1) <svg onload=alert(1)>',
  'https://example.org/"onmouseover="alert(1)',
]

describe('comment text', () => {
  for (const body of HOSTILE) {
    it(`draws ${JSON.stringify(body)} as text: no handler, no script, no unsafe link`, () => {
      const container = draw(body)
      expect(container.querySelectorAll('img, script, svg, iframe, b, object, embed').length).toBe(0)
      for (const attribute of attributesIn(container)) {
        expect(attribute).not.toMatch(/^on/i)
        expect(attribute.toLowerCase()).not.toContain('javascript:')
        expect(attribute.toLowerCase()).not.toContain('data:')
      }
      for (const link of container.querySelectorAll('a')) expect(['http:', 'https:', 'mailto:']).toContain(new URL(link.getAttribute('href')!).protocol)
      // Every character typed is still there to read (tags and all).
      expect(container.textContent!.replace(/\s+/g, '')).toContain(body.replace(/@\[([^\]]*)\]\([^)]*\)/g, '@$1').replace(/\s+/g, '').slice(0, 8))
    })
  }

  it('shows a tag as the characters typed', () => {
    expect(draw('<img src=x onerror=alert(1)>').textContent).toBe('<img src=x onerror=alert(1)>')
  })

  it('makes http, https and mailto addresses links that open apart from the page', () => {
    const container = draw('See https://example.org/terms?a=1, or write to mailto:chair@demo.test.')
    const links = [...container.querySelectorAll('a')]
    expect(links.map((link) => link.getAttribute('href'))).toEqual(['https://example.org/terms?a=1', 'mailto:chair@demo.test'])
    for (const link of links) {
      expect(link.getAttribute('target')).toBe('_blank')
      expect(link.getAttribute('rel')).toBe('noopener noreferrer nofollow')
    }
    expect(container.textContent).toBe('See https://example.org/terms?a=1, or write to mailto:chair@demo.test.')
  })

  it('draws a mention as a chip with the name, stronger when it is of the reader', () => {
    const container = draw('Thanks @[Chris Chair](u-chair) and @[Priya Provider](u-provider)!', 'u-chair')
    const chips = [...container.querySelectorAll('.mention-chip')]
    expect(chips.map((chip) => chip.textContent)).toEqual(['@Chris Chair', '@Priya Provider'])
    expect(chips.map((chip) => chip.classList.contains('is-me'))).toEqual([true, false])
    expect(container.textContent).toBe('Thanks @Chris Chair and @Priya Provider!')
  })

  it('allows only http, https and mailto hrefs', () => {
    expect(isSafeHref('https://example.org')).toBe(true)
    expect(isSafeHref('mailto:a@b.test')).toBe(true)
    expect(isSafeHref('javascript:alert(1)')).toBe(false)
    expect(isSafeHref(' JAVASCRIPT:alert(1)')).toBe(false)
    expect(isSafeHref('data:text/html,hi')).toBe(false)
    expect(isSafeHref('/relative')).toBe(false)
  })

  it('reads an inbox excerpt’s mentions as names', () => {
    expect(readableExcerpt('Can @[Chris Chair](u-chair) look at <b>this</b>?')).toBe('Can @Chris Chair look at <b>this</b>?')
  })
})

/**
 * Who is in the contract now: one avatar per person, with their organisation, as the server
 * stamped them into presence (a client cannot claim another name). Several tabs of one person
 * show once.
 */
import { useEffect, useState } from 'react'
import type { Awareness } from 'y-protocols/awareness'

interface Person {
  readonly id: string
  readonly name: string
  readonly organisation: string
  readonly color: string
}

function peopleIn(awareness: Awareness): Person[] {
  const people = new Map<string, Person>()
  for (const [clientId, state] of awareness.getStates()) {
    const user = (state as { user?: Record<string, unknown> }).user
    // Others' states carry the id the server stamped; this page's own state is not stamped.
    const id = clientId === awareness.clientID ? 'self' : user?.id
    if (!user || typeof id !== 'string' || typeof user.name !== 'string') continue
    people.set(id, {
      id,
      name: user.name,
      organisation: typeof user.organisation === 'string' ? user.organisation : '',
      color: typeof user.color === 'string' ? user.color : '#64748b',
    })
  }
  return [...people.values()].sort((a, b) => a.name.localeCompare(b.name))
}

function samePeople(a: readonly Person[], b: readonly Person[]): boolean {
  return a.length === b.length && a.every((person, i) => {
    const other = b[i]!
    return person.id === other.id && person.name === other.name && person.organisation === other.organisation && person.color === other.color
  })
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('')
}

export function PresenceBar({ awareness }: { awareness: Awareness }) {
  const [people, setPeople] = useState<Person[]>(() => peopleIn(awareness))
  useEffect(() => {
    // Awareness changes with every caret move of everyone; the bar changes only when people come and go.
    const refresh = () => setPeople((previous) => {
      const next = peopleIn(awareness)
      return samePeople(previous, next) ? previous : next
    })
    awareness.on('change', refresh)
    refresh()
    return () => awareness.off('change', refresh)
  }, [awareness])

  if (people.length === 0) return null
  return (
    <ul className="presence" aria-label="People in this contract">
      {people.map((person) => (
        <li key={person.id} title={person.organisation ? `${person.name} · ${person.organisation}` : person.name}>
          <span className="avatar" style={{ background: person.color }} aria-hidden="true">
            {initials(person.name)}
          </span>
          <span className="visually-hidden">
            {person.name}
            {person.organisation ? `, ${person.organisation}` : ''}
          </span>
        </li>
      ))}
    </ul>
  )
}

/**
 * A column of panels shown one at a time under tabs (the WAI-ARIA tabs pattern): ←/→ move
 * between the tabs, the chosen one holds the tab stop. Every panel stays mounted while hidden,
 * so its filters and half-written text are kept.
 */
import { type KeyboardEvent, type ReactNode, useId, useRef } from 'react'

export interface SideTab<K extends string> {
  readonly key: K
  readonly label: string
  /** A number shown on the tab (e.g. open threads), hidden when 0. */
  readonly count?: number
  /** How the count is read out, e.g. "open". */
  readonly countLabel?: string
  readonly panel: ReactNode
}

export interface SidePanelProps<K extends string> {
  /** The panel's name, for its landmark and tab list. */
  readonly label: string
  readonly tabs: readonly SideTab<K>[]
  readonly chosen: K
  readonly onChoose: (key: K) => void
}

export function SidePanel<K extends string>({ label, tabs, chosen, onChoose }: SidePanelProps<K>) {
  const id = useId()
  const buttons = useRef(new Map<K, HTMLButtonElement>())
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return
    event.preventDefault()
    const at = tabs.findIndex((tab) => tab.key === chosen)
    const next = tabs[(at + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!.key
    onChoose(next)
    buttons.current.get(next)?.focus()
  }
  return (
    <aside className="side-panel" aria-label={label}>
      <div className="side-tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <button
            key={tab.key}
            ref={(button) => {
              if (button) buttons.current.set(tab.key, button)
              else buttons.current.delete(tab.key)
            }}
            type="button"
            role="tab"
            id={`${id}-${tab.key}-tab`}
            aria-selected={tab.key === chosen}
            aria-controls={`${id}-${tab.key}`}
            tabIndex={tab.key === chosen ? 0 : -1}
            onClick={() => onChoose(tab.key)}
          >
            {tab.label}
            {tab.count !== undefined && tab.count > 0 ? (
              <span className="side-tab-count" aria-label={`, ${tab.count} ${tab.countLabel ?? ''}`.trimEnd()}>
                {tab.count}
              </span>
            ) : null}
          </button>
        ))}
      </div>
      {tabs.map((tab) => (
        <div key={tab.key} role="tabpanel" id={`${id}-${tab.key}`} aria-labelledby={`${id}-${tab.key}-tab`} hidden={tab.key !== chosen}>
          {tab.panel}
        </div>
      ))}
    </aside>
  )
}

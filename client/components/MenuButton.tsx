/**
 * A menu button (the WAI-ARIA menu button pattern): a button that opens a list of choices.
 * Keyboard: Enter, Space or ↓ opens it on the first choice (↑ on the last); ↑/↓, Home and End
 * move between choices; Enter or Space chooses; Escape closes and returns to the button; Tab
 * closes. A click outside closes it too.
 */
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react'

export interface MenuChoice {
  readonly key: string
  readonly label: ReactNode
  /** Shown as a radio choice when defined (e.g. the current status). */
  readonly checked?: boolean
  readonly disabled?: boolean
  /** Why it is disabled, read out and shown as a tooltip. */
  readonly hint?: string
  readonly onChoose: () => void
}

export interface MenuButtonProps {
  /** What the button says. */
  readonly label: ReactNode
  /** Its accessible name, when the label alone is not enough. */
  readonly ariaLabel?: string
  readonly choices: readonly MenuChoice[]
  readonly className?: string
  readonly disabled?: boolean
}

export function MenuButton({ label, ariaLabel, choices, className, disabled }: MenuButtonProps) {
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(0)
  const menuId = useId()
  const buttonRef = useRef<HTMLButtonElement>(null)
  const itemRefs = useRef<Array<HTMLLIElement | null>>([])
  const rootRef = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (open) itemRefs.current[active]?.focus()
  }, [open, active])

  useEffect(() => {
    if (!open) return
    const closeOnOutside = (event: MouseEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false)
    }
    document.addEventListener('mousedown', closeOnOutside)
    return () => document.removeEventListener('mousedown', closeOnOutside)
  }, [open])

  const openAt = (index: number) => {
    setActive(index)
    setOpen(true)
  }
  const close = (returnFocus: boolean) => {
    setOpen(false)
    if (returnFocus) buttonRef.current?.focus()
  }
  const choose = (choice: MenuChoice) => {
    if (choice.disabled) return
    close(true)
    choice.onChoose()
  }

  const onButtonKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'Enter' || event.key === ' ') {
      event.preventDefault()
      openAt(0)
    } else if (event.key === 'ArrowUp') {
      event.preventDefault()
      openAt(choices.length - 1)
    }
  }

  const onMenuKeyDown = (event: KeyboardEvent) => {
    const last = choices.length - 1
    const moves: Record<string, number> = {
      ArrowDown: active === last ? 0 : active + 1,
      ArrowUp: active === 0 ? last : active - 1,
      Home: 0,
      End: last,
    }
    if (event.key in moves) {
      event.preventDefault()
      setActive(moves[event.key]!)
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault()
      const choice = choices[active]
      if (choice) choose(choice)
    } else if (event.key === 'Escape') {
      event.preventDefault()
      close(true)
    } else if (event.key === 'Tab') {
      close(false)
    }
  }

  return (
    <div className={`menu-button ${className ?? ''}`} ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={ariaLabel}
        disabled={disabled}
        onClick={() => (open ? close(false) : openAt(0))}
        onKeyDown={onButtonKeyDown}
      >
        {label} <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        <ul className="menu" role="menu" id={menuId} onKeyDown={onMenuKeyDown}>
          {choices.map((choice, index) => (
            <li
              key={choice.key}
              ref={(element) => {
                itemRefs.current[index] = element
              }}
              role={choice.checked === undefined ? 'menuitem' : 'menuitemradio'}
              aria-checked={choice.checked}
              aria-disabled={choice.disabled || undefined}
              title={choice.hint}
              tabIndex={index === active ? 0 : -1}
              className={index === active ? 'menu-item active' : 'menu-item'}
              onMouseEnter={() => setActive(index)}
              onClick={() => choose(choice)}
            >
              {choice.checked ? <span aria-hidden="true">✓ </span> : null}
              {choice.label}
              {choice.disabled && choice.hint ? <span className="menu-hint">{choice.hint}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

/**
 * The editor's mode, as in Google Docs: *Editing* changes the text directly, *Suggesting* turns
 * every change into a tracked suggestion, *Viewing* only reads. Which modes a person has follows
 * from their role: editors and owners choose any (Editing by default, remembered per contract
 * for the browser tab); suggesters always suggest; commenters and viewers always view.
 */
import { useId, useState } from 'react'
import type { ContractId } from '../../shared/domain/ids.ts'
import { type Role, can } from '../../shared/domain/roles.ts'

export type EditorMode = 'editing' | 'suggesting' | 'viewing'

export const MODE_LABEL: Readonly<Record<EditorMode, string>> = {
  editing: 'Editing',
  suggesting: 'Suggesting',
  viewing: 'Viewing',
}

const MODE_HINT: Readonly<Record<EditorMode, string>> = {
  editing: 'Change the text directly',
  suggesting: 'Your changes become suggestions that an editor accepts or rejects',
  viewing: 'Read without changing anything',
}

/** The modes open to `role`, the first being its default. */
export function modesFor(role: Role): readonly EditorMode[] {
  if (can(role, 'edit')) return ['editing', 'suggesting', 'viewing']
  if (can(role, 'suggest')) return ['suggesting']
  return ['viewing']
}

/** Where the chosen mode of a contract is kept for the browser tab. */
function storageKey(contractId: ContractId): string {
  return `concordat/mode/${contractId}`
}

function rememberedMode(contractId: ContractId, modes: readonly EditorMode[]): EditorMode {
  try {
    const stored = sessionStorage.getItem(storageKey(contractId))
    if (stored !== null && (modes as readonly string[]).includes(stored)) return stored as EditorMode
  } catch {
    // Storage can be unavailable (privacy settings): the default mode serves.
  }
  return modes[0]!
}

/** The person's mode in `contractId` and a way to choose another, remembered for the tab. */
export function useEditorMode(contractId: ContractId, role: Role): [EditorMode, (mode: EditorMode) => void] {
  const modes = modesFor(role)
  const [chosen, setChosen] = useState(() => rememberedMode(contractId, modes))
  // A role that changed since (or a stale choice) falls back to the role's default.
  const mode = modes.includes(chosen) ? chosen : modes[0]!
  const choose = (next: EditorMode) => {
    setChosen(next)
    try {
      sessionStorage.setItem(storageKey(contractId), next)
    } catch {
      // Not remembered; the choice still holds for this page.
    }
  }
  return [mode, choose]
}

/**
 * The mode control in the contract's header: a segmented group of radio buttons when the person
 * has a choice, else the one mode they have, said plainly.
 */
export function EditorModeSwitch({ role, mode, onChange }: { role: Role; mode: EditorMode; onChange: (mode: EditorMode) => void }) {
  const name = useId()
  const modes = modesFor(role)
  if (modes.length === 1) {
    return (
      <p className="mode-switch mode-fixed" data-mode={mode} title={MODE_HINT[mode]}>
        Mode: <strong>{MODE_LABEL[mode]}</strong>
      </p>
    )
  }
  return (
    <fieldset className="mode-switch" data-mode={mode}>
      <legend>Mode</legend>
      {modes.map((each) => (
        <label key={each} title={MODE_HINT[each]} className={each === mode ? 'is-chosen' : undefined}>
          <input type="radio" name={name} value={each} checked={each === mode} onChange={() => onChange(each)} />
          {MODE_LABEL[each]}
        </label>
      ))}
    </fieldset>
  )
}

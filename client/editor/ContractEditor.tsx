/**
 * The contract page: one contract's text in a Tiptap editor, bound to the `body` fragment of a
 * Y.Doc that a {@link SyncConnection} keeps in sync with the server, with a status pill that
 * says truthfully whether the work is saved.
 *
 * The schema (numbered clauses) comes from the shared extension list in `shared/editor/`. The
 * header's mode control switches between Editing, Suggesting (changes become tracked
 * suggestions, see `SuggestChanges.ts`) and Viewing, as far as the person's role allows. The
 * page reads outline | text | side panel on a wide screen; the side panel shows either the open
 * suggestions (the review panel) or the comment threads, whose passages are highlighted in the
 * text (see `features/comments/`).
 */
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import { EditorContent, useEditor } from '@tiptap/react'
import Collaboration from '@tiptap/extension-collaboration'
import CollaborationCaret from '@tiptap/extension-collaboration-caret'
import * as Y from 'yjs'
import type { ContractId } from '../../shared/domain/ids.ts'
import { type Constituency, ROLE_LABEL, type Role, can } from '../../shared/domain/roles.ts'
import { contractExtensions } from '../../shared/editor/extensions.ts'
import { ClauseLocking } from '../../shared/editor/ClauseLocking.ts'
import { getBody, getClauses } from '../../shared/ydoc/schema.ts'
import { SyncConnection, type SyncStatus } from '../sync/SyncConnection.ts'
import { ClauseToolbar } from './ClauseToolbar.tsx'
import { ClauseSlashMenu } from './ClauseSlashMenu.tsx'
import { OutlinePanel } from '../features/outline/OutlinePanel.tsx'
import { PresenceBar } from '../features/presence/PresenceBar.tsx'
import { ContractDetails } from '../features/details/ContractDetails.tsx'
import { SuggestionCard } from '../features/suggestions/SuggestionCard.tsx'
import { ReviewPanel } from '../features/suggestions/ReviewPanel.tsx'
import { SuggestChanges, type SuggestionAuthor, isSuggesting } from './SuggestChanges.ts'
import { type EditorMode, EditorModeSwitch, useEditorMode } from './EditorMode.tsx'
import { CommentHighlights } from './CommentHighlights.ts'
import { SidePanel } from '../components/SidePanel.tsx'
import { CommentActionsContext } from '../features/comments/commentActions.ts'
import { CommentsPanel } from '../features/comments/CommentsPanel.tsx'
import { CommentToolbar, SelectionCommentButton } from '../features/comments/CommentToolbar.tsx'
import { useContractComments } from '../features/comments/useContractComments.ts'
import { type LiveThreads, useThreads } from '../features/comments/useThreads.ts'
import { useContractMembers } from '../features/members/useContractMembers.ts'
import type { MemberView } from '../../shared/protocol/api.ts'

/** Props of {@link ContractEditor}. */
export interface ContractEditorProps {
  /** The contract to open; also the sync room's name. */
  contractId: ContractId
  /** The person's role in it: decides whether the text is editable (the server decides too). */
  role?: Role
  /** The name on this person's caret (others see the server's stamp of it). */
  userName?: string
  /**
   * Who is signed in: names the copy of the contract kept on this device, so that someone
   * else signing in on the same browser never opens it. Without it nothing is kept locally.
   */
  userId?: string
  /** Who is signed in, as their suggestions are recorded; without it nothing can be suggested. */
  author?: SuggestionAuthor
  /** The constituency of the person's organisation: a thread they start may be kept within it. */
  constituency?: Constituency
  /** A comment thread to show when it arrives (opened from the inbox). */
  focusThreadId?: string | null
}

/** How this person appears to the others: the label and colour of their caret. */
interface CaretUser {
  name: string
  /** `#rrggbb`: the caret extension ignores any other form. */
  color: string
}

/** A doc and its connection, created and destroyed together. */
interface Session {
  doc: Y.Doc
  connection: SyncConnection
}

/** The pill's words, one per status; the browser tests look for these exact texts. */
const STATUS_LABEL: Record<SyncStatus, string> = {
  connecting: 'Connecting…',
  saving: 'Saving…',
  saved: 'Saved',
  reconnecting: 'Reconnecting…',
  offline: 'Offline — changes kept on this device',
}

/**
 * Whether the work is saved, as the connection says: *Saved* only once the server has stored
 * every change. It changes twice with nearly every keystroke, so it is written into the page
 * directly rather than through React: every React commit, while the contract text has the
 * focus, measures the caret's offset by walking the whole text of the page, and a long
 * contract would make each keystroke slower.
 */
function SyncStatusPill({ connection }: { connection: SyncConnection | null }) {
  const pill = useRef<HTMLParagraphElement>(null)
  useLayoutEffect(() => {
    const element = pill.current
    if (element === null) return
    const show = (status: SyncStatus) => {
      element.dataset.status = status
      element.textContent = STATUS_LABEL[status]
    }
    show(connection?.status ?? 'connecting')
    return connection?.onChange((state) => show(state.status))
  }, [connection])
  return <p ref={pill} className="sync-status" role="status" data-testid="sync-status" />
}

/** Caret colours dark enough for white label text. */
const CARET_COLOURS = ['#2563eb', '#0f766e', '#7c3aed', '#b45309', '#be185d', '#15803d', '#c2410c']

/**
 * Opens `contractId` for editing. Owns the contract's Y.Doc and sync connection for as long as
 * it is mounted, and destroys both (and, through `useEditor`, the editor) when unmounted; mount
 * it with `key={contractId}` so that another contract gets a fresh component.
 *
 * When the server refuses the document's state (an update rejected by the referee, or one too
 * large), the local doc is discarded and the contract reopened from the server's state, and
 * the person is told why until they dismiss the message.
 */
export function ContractEditor({ contractId, role = 'editor', userName, userId, author, constituency, focusThreadId = null }: ContractEditorProps) {
  const [user] = useState(() => createCaretUser(userName))
  const isEditable = can(role, 'edit')
  const [mode, setMode] = useEditorMode(contractId, role)
  // Bumped to replace a doc the server refused with a fresh one.
  const [generation, setGeneration] = useState(0)
  const [session, setSession] = useState<Session | null>(null)
  // The last connection problem, in words; the status itself is drawn by SyncStatusPill.
  const [lastError, setLastError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  // Comments outlive a refused doc: they are the server's, fetched apart from the text.
  const comments = useThreads(contractId, userId ? `concordat.threads/${userId}/${contractId}` : null)
  const members = useContractMembers(contractId, userId ? `concordat.members/${userId}/${contractId}` : null)

  // Created in an effect, not during render, so that StrictMode's mount–unmount–mount destroys
  // the first doc and connection instead of leaking or reusing destroyed ones.
  useEffect(() => {
    const doc = new Y.Doc()
    const connection = new SyncConnection(contractId, doc, { localName: userId ? localCopyName(userId, contractId) : null })
    setSession({ doc, connection })
    setLastError(connection.state.lastError)
    const unsubscribe = connection.onChange((state) => {
      // Unchanged (nearly always), this redraws nothing.
      setLastError(state.lastError)
      if (state.needsFreshDoc) {
        setNotice(state.lastError)
        setGeneration((previous) => previous + 1)
      }
    })
    return () => {
      unsubscribe()
      connection.destroy()
      doc.destroy()
    }
  }, [contractId, userId, generation])

  return (
    <main className="contract">
      <header className="contract-header">
        <ContractDetails doc={session?.doc ?? null} contractId={contractId} canEdit={isEditable} />
        {session !== null ? <PresenceBar awareness={session.connection.provider.awareness} /> : null}
        <EditorModeSwitch role={role} mode={mode} onChange={setMode} />
        <SyncStatusPill connection={session?.connection ?? null} />
      </header>
      {lastError !== null ? (
        <div className="alert" role="alert">
          {lastError}
        </div>
      ) : notice !== null ? (
        <div className="alert" role="alert">
          {notice}{' '}
          <button type="button" className="alert-dismiss" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
      {!isEditable ? (
        <p className="read-only-banner" role="note">
          {readOnlyExplanation(role)}
        </p>
      ) : null}
      {session !== null ? (
        <ContractText
          session={session}
          user={user}
          role={role}
          mode={mode}
          author={author ?? null}
          onNotice={setNotice}
          contractId={contractId}
          comments={comments}
          members={members}
          userId={userId ?? null}
          constituency={constituency ?? null}
          focusThreadId={focusThreadId}
        />
      ) : null}
    </main>
  )
}

interface ContractTextProps {
  session: Session
  user: CaretUser
  role: Role
  mode: EditorMode
  author: SuggestionAuthor | null
  /** Shows a message to the person (e.g. why a change was not made). */
  onNotice: (message: string) => void
  contractId: ContractId
  /** The contract's comment threads, live. */
  comments: LiveThreads
  members: readonly MemberView[]
  /** Who is signed in (null: nobody, in tests of the editor alone): comments need someone. */
  userId: string | null
  constituency: Constituency | null
  focusThreadId: string | null
}

/** What the side panel shows. */
type SideTabKey = 'suggestions' | 'comments'

/**
 * The editor itself, recreated whenever the session changes. A change of mode is applied to the
 * same editor (its undo history stays): Viewing makes it read-only, Suggesting turns tracking on.
 * Memoised: the save status above it changes with nearly every keystroke, and redrawing the
 * outline and panels of a long contract each time would slow typing down.
 */
const ContractText = memo(function ContractText({ session, user, role, mode, author, onNotice, contractId, comments, members, userId, constituency, focusThreadId }: ContractTextProps) {
  const { doc, connection } = session
  const isEditable = can(role, 'edit')
  const isWritable = mode !== 'viewing'
  const canComment = can(role, 'comment') && userId !== null
  const frame = useRef<HTMLDivElement>(null)
  // Those who cannot act on suggestions mostly come to comment.
  const [sideTab, setSideTab] = useState<SideTabKey>(() => (can(role, 'suggest') ? 'suggestions' : 'comments'))
  // The highlight plugin is made once per editor; it reaches the current handler through this.
  const onHighlightClick = useRef((_threadId: string) => {})
  const editor = useEditor(
    {
      editable: isWritable,
      extensions: [
        // Collaboration brings Yjs-aware undo; the ProseMirror history would undo others' work.
        ...contractExtensions(),
        Collaboration.configure({ fragment: getBody(doc) }),
        CollaborationCaret.configure({ provider: connection.provider, user }),
        ClauseLocking.configure({ clauses: getClauses(doc), onRefused: onNotice }),
        SuggestChanges.configure({ doc, author, isSuggesting: mode === 'suggesting', onRefused: onNotice }),
        CommentHighlights.configure({ onActivate: (threadId) => onHighlightClick.current(threadId) }),
      ],
      editorProps: { attributes: textAttributes(isWritable) },
    },
    [doc, connection],
  )
  useEffect(() => {
    if (editor === null || editor.isDestroyed) return
    if (editor.isEditable !== isWritable) editor.setOptions({ editable: isWritable, editorProps: { attributes: textAttributes(isWritable) } })
    if (isSuggesting(editor.state) !== (mode === 'suggesting')) editor.commands.setSuggesting(mode === 'suggesting')
  }, [editor, mode, isWritable])
  const showComments = useCallback(() => setSideTab('comments'), [])
  const commenting = useContractComments({ editor, live: comments, canComment, focusThreadId, onNotice, onShowPanel: showComments })
  onHighlightClick.current = commenting.activate

  const isEditing = isEditable && mode === 'editing'
  return (
    <CommentActionsContext.Provider value={commenting.actions}>
      <div className="contract-layout">
        {editor ? (
          <OutlinePanel
            editor={editor}
            doc={doc}
            canReorder={isEditing}
            openThreads={commenting.openThreads}
            onCommentOnClause={canComment ? commenting.commentOnClause : undefined}
          />
        ) : (
          <div />
        )}
        <div>
          <div className="editor-toolbars">
            {(isEditable || can(role, 'suggest')) && isWritable && editor ? <ClauseToolbar editor={editor} doc={doc} role={role} isSuggesting={mode === 'suggesting'} /> : null}
            {canComment && editor ? <CommentToolbar editor={editor} onComment={commenting.commentOnSelection} onCommentOnClause={() => commenting.commentOnClause()} /> : null}
          </div>
          {isEditing && editor ? <ClauseSlashMenu editor={editor} /> : null}
          <div className="contract-text-frame" ref={frame}>
            <EditorContent editor={editor} className="contract-text" />
            {editor ? (
              <SuggestionCard
                editor={editor}
                doc={doc}
                canReview={can(role, 'review') && isWritable}
                userId={author?.id}
                canExplain={mode === 'suggesting'}
                frame={frame}
                onComment={canComment ? commenting.commentOnSuggestion : undefined}
                commentThreadsOn={(suggestionId) => commenting.threadsOnSuggestion(suggestionId).length}
                onShowComments={(suggestionId) => {
                  const [first] = commenting.threadsOnSuggestion(suggestionId)
                  if (first !== undefined) commenting.activate(first.id)
                }}
              />
            ) : null}
            {editor && canComment && commenting.draft === null ? <SelectionCommentButton editor={editor} onComment={commenting.commentOnSelection} frame={frame} /> : null}
          </div>
        </div>
        {editor ? (
          <SidePanel<SideTabKey>
            label="Side panel"
            chosen={sideTab}
            onChoose={setSideTab}
            tabs={[
              { key: 'suggestions', label: 'Suggestions', panel: <ReviewPanel editor={editor} doc={doc} canReview={can(role, 'review') && isWritable} /> },
              {
                key: 'comments',
                label: 'Comments',
                count: commenting.openCount,
                countLabel: 'open',
                panel: (
                  <CommentsPanel
                    editor={editor}
                    contractId={contractId}
                    live={comments}
                    members={members}
                    userId={userId ?? ''}
                    constituency={constituency}
                    canComment={canComment}
                    canModerate={can(role, 'moderateComments')}
                    activeId={commenting.activeThreadId}
                    onActivate={commenting.setActiveThreadId}
                    draft={commenting.draft}
                    onDraftDone={commenting.finishDraft}
                  />
                ),
              },
            ]}
          />
        ) : null}
      </div>
    </CommentActionsContext.Provider>
  )
})

/** The contenteditable's own attributes (role="textbox"), where assistive technology reads them. */
function textAttributes(isWritable: boolean): Record<string, string> {
  return { role: 'textbox', 'aria-label': 'Contract text', 'aria-multiline': 'true', 'aria-readonly': String(!isWritable) }
}

/** The IndexedDB database holding `userId`'s copy of `contractId` on this device. */
export function localCopyName(userId: string, contractId: ContractId): string {
  return `concordat/${userId}/${contractId}`
}

/** This person's caret: their name (or a recognisable guest name) and a colour. */
function createCaretUser(name: string | undefined): CaretUser {
  const color = CARET_COLOURS[Math.floor(Math.random() * CARET_COLOURS.length)] ?? '#2563eb'
  return { name: name ?? `Guest ${100 + Math.floor(Math.random() * 900)}`, color }
}

/** What the person can do to the text, in their terms (for those who cannot edit it directly). */
function readOnlyExplanation(role: Role): string {
  if (can(role, 'suggest')) {
    return `You are a ${ROLE_LABEL[role]} on this contract: what you type or delete becomes a tracked suggestion, which an editor accepts or rejects.`
  }
  if (can(role, 'comment')) return `You are a ${ROLE_LABEL[role]} on this contract: you can read it and comment, but not change the text.`
  return `You are a ${ROLE_LABEL[role]} on this contract: you can read it but not change it.`
}

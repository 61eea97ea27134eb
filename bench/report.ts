/**
 * Printing the scenario tables and judging Concordat's targets against the other two servers
 * measured in the same run (and, for suggesting, against Concordat's own editor run).
 */
import type { ConcordatPolicy, ServerKind } from './ServerUnderTest.ts'
import { SERVER_LABELS } from './ServerUnderTest.ts'
import type { ColdJoinResult, FanOutResult, ManyRoomsResult, SuggestingResult } from './scenarios.ts'
import { type BrowserResult, percentile } from './browserScenario.ts'

export type ByServer<T> = Partial<Record<ServerKind, T>>
export type ByPolicy<T> = Partial<Record<ConcordatPolicy, T>>

/** What each of Concordat's policies is, in the suggesting table. */
export const POLICY_LABELS: Record<ConcordatPolicy, string> = {
  editor: 'editor (validateByRole)',
  suggester: 'suggester (validateByRole: checkSuggestions)',
  open: 'open policy (validates nothing)',
}

export interface Target {
  readonly name: string
  /** Concordat's figure and what it is compared with (already multiplied by the allowance). */
  readonly concordat: number
  readonly limit: number
  readonly unit: string
  /** Concordat's figure divided by the comparison server's (by the limit, for a fixed limit). */
  readonly ratio: number
  readonly allowedRatio: number
  /** The server compared with, Concordat's own run under another policy, or null for a fixed limit. */
  readonly against: ServerKind | ConcordatPolicy | null
  readonly isMet: boolean
}

function fixed(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits)
}

function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].map((l) => `  ${l}`).join('\n')
}

function closes(unexpected: Record<string, number>): string {
  const entries = Object.entries(unexpected)
  return entries.length ? entries.map(([code, n]) => `${n}×${code}`).join(' ') : '0'
}

function ratioLine<T>(results: ByServer<T>, figure: (r: T) => number, unit: string): string {
  const concordat = results.concordat
  if (!concordat) return ''
  const parts: string[] = []
  for (const other of ['reference', 'relay'] as const) {
    const result = results[other]
    if (result) parts.push(`Concordat/${other} = ${fixed(figure(concordat) / figure(result))}×`)
  }
  return parts.length ? `  ratios (${unit}): ${parts.join(',  ')}` : ''
}

/** The measurement fields both editing scenarios report. */
type EditingMeasurement = Pick<
  FanOutResult,
  | 'serverCpuMs'
  | 'serverSystemCpuMs'
  | 'serverThreadCpuMs'
  | 'serverLoopDelayP99Ms'
  | 'serverLoopDelayMaxMs'
  | 'loadCpuPercent'
  | 'machineBusyPercent'
  | 'otherCpuPercent'
  | 'idleMachinePercent'
  | 'unexpectedCloses'
>

/** "total (kernel/other threads)" server CPU, in ms. */
function serverCpuColumn(r: EditingMeasurement): string {
  return `${fixed(r.serverCpuMs, 0)} (${fixed(r.serverSystemCpuMs, 0)}/${fixed(r.serverThreadCpuMs.other ?? 0, 0)})`
}

/** Loop lag, load, machine and others' CPU, and unexpected closes: how trustworthy the row is. */
function machineColumns(r: EditingMeasurement): string[] {
  return [
    `${fixed(r.serverLoopDelayP99Ms, 1)}/${fixed(r.serverLoopDelayMaxMs, 0)}`,
    fixed(r.loadCpuPercent, 0),
    fixed(r.machineBusyPercent, 0),
    `${fixed(r.otherCpuPercent, 0)} (${fixed(r.idleMachinePercent, 0)})`,
    closes(r.unexpectedCloses),
  ]
}

export function printFanOut(clients: number, results: ByServer<FanOutResult>, settings: { writers: number; writerRate: number; seconds: number }): string {
  const rows = Object.entries(results).map(([kind, r]) => [
    SERVER_LABELS[kind as ServerKind],
    String(r.editsSent),
    `${r.deliveries}/${r.expectedDeliveries}`,
    serverCpuColumn(r),
    fixed(r.cpuUsPerDelivery),
    fixed(r.latencyP50Ms),
    fixed(r.latencyP99Ms),
    ...machineColumns(r),
  ])
  return [
    `Scenario 1 — fan-out: ${clients} clients in one room, ${settings.writers} writers × ${settings.writerRate} edits/s, ${settings.seconds} s measured`,
    table(['server', 'edits', 'delivered/expected', 'server CPU ms (kernel/other threads)', 'CPU µs/delivery', 'p50 ms', 'p99 ms', 'server loop lag p99/max ms', 'load CPU %', 'machine %', 'others % (idle before)', 'closes'], rows),
    ratioLine(results, (r) => r.cpuUsPerDelivery, 'CPU µs per delivery'),
  ].join('\n')
}

export function printManyRooms(results: ByServer<ManyRoomsResult>, settings: { rooms: number; roomRate: number; seconds: number }): string {
  const rows = Object.entries(results).map(([kind, r]) => [
    SERVER_LABELS[kind as ServerKind],
    String(r.editsSent),
    `${r.deliveries}/${r.expectedDeliveries}`,
    serverCpuColumn(r),
    fixed(r.cpuUsPerEdit, 1),
    fixed(r.latencyP50Ms),
    fixed(r.latencyP99Ms),
    ...machineColumns(r),
  ])
  const memoryRows = Object.entries(results).map(([kind, r]) => [
    SERVER_LABELS[kind as ServerKind],
    String(r.loadedRooms ?? '—'),
    fixed(r.rssKbPerRoom, 1),
    fixed(r.heapKbPerRoom, 1),
  ])
  return [
    `Scenario 2 — many rooms: ${settings.rooms} rooms × 2 clients, each client ${settings.roomRate} edit/s, ${settings.seconds} s measured`,
    table(['server', 'edits', 'delivered/expected', 'server CPU ms (kernel/other threads)', 'CPU µs/edit', 'p50 ms', 'p99 ms', 'server loop lag p99/max ms', 'load CPU %', 'machine %', 'others % (idle before)', 'closes'], rows),
    ratioLine(results, (r) => r.cpuUsPerEdit, 'CPU µs per edit'),
    '',
    `Scenario 4 — memory per loaded room (the ${settings.rooms} rooms above, each with its 2 connections and ~${Math.round(settings.roomRate * 2 * settings.seconds)}+ edits; after GC)`,
    table(['server', 'rooms held', 'RSS KB/room', 'heap+external KB/room'], memoryRows),
    ratioLine(results, (r) => r.rssKbPerRoom, 'RSS per room'),
  ].join('\n')
}

export function printColdJoin(results: ByServer<ColdJoinResult>): string {
  const any = Object.values(results)[0]
  const rows = Object.entries(results).map(([kind, r]) => [
    SERVER_LABELS[kind as ServerKind],
    String(r.joins),
    fixed(r.meanCpuMs),
    fixed(r.medianCpuMs),
    fixed(r.firstCpuMs),
    fixed(Math.max(...r.cpuMsPerJoin)),
    fixed(r.medianJoinWallMs, 0),
    String(r.syncStep2Bytes),
    String(r.bodyLength),
    fixed(r.idleMachinePercent, 0),
  ])
  return [
    `Scenario 3 — cold join: a ${any?.seedBytes ?? '?'}-byte 300-clause contract, fresh clients joining one after another`,
    table(['server', 'joins', 'CPU ms/join (mean)', 'median', 'first', 'max', 'join wall ms (median)', 'step-2 bytes', 'clauses', 'others % before'], rows),
    ratioLine(results, (r) => r.meanCpuMs, 'mean CPU ms per join'),
    '  (the relay holds no document: its joiners get an empty step 2, so it is no floor for joins)',
  ].join('\n')
}

/** Scenario 5: each open with its median and max, then the typing runs. */
export function printBrowser(result: BrowserResult): string {
  const openRows = result.opens.map((o, i) => [
    `open ${i + 1}${o.wasRoomLoaded ? '' : ' (room was not loaded)'}`,
    fixed(o.interactiveMs, 0),
    fixed(o.domReadyMs, 0),
    fixed(o.editorMs, 0),
    fixed(o.clausesMs, 0),
    fixed(o.savedMs, 0),
    fixed(o.typedMs, 0),
    fixed(o.serverCpuMs, 1),
    fixed(o.idleMachinePercent, 0),
  ])
  const median = (figure: (o: BrowserResult['opens'][number]) => number) => percentile(result.opens.map(figure), 0.5)
  const max = (figure: (o: BrowserResult['opens'][number]) => number) => Math.max(...result.opens.map(figure))
  const summaryRow = (label: string, of: typeof median) => [
    label,
    fixed(of((o) => o.interactiveMs), 0),
    fixed(of((o) => o.domReadyMs), 0),
    fixed(of((o) => o.editorMs), 0),
    fixed(of((o) => o.clausesMs), 0),
    fixed(of((o) => o.savedMs), 0),
    fixed(of((o) => o.typedMs), 0),
    fixed(of((o) => o.serverCpuMs), 1),
    '',
  ]
  const typingRows = result.typing.map((t) => [
    t.typists === 1 ? 'alone' : 'a second window typing too',
    String(t.keystrokes),
    `${fixed(t.intervalMs, 0)}/${fixed(t.achievedIntervalMs, 1)}`,
    fixed(t.toPaintP50Ms, 1),
    fixed(t.toPaintP95Ms, 1),
    fixed(t.toPaintMaxMs, 1),
    fixed(t.inputDelayP95Ms, 1),
    t.interactionP98Ms === null ? '< 16' : fixed(t.interactionP98Ms, 0),
    `${t.longTasks}/${fixed(t.longestTaskMs, 0)}`,
    fixed(t.machineBusyPercent, 0),
    fixed(t.idleMachinePercent, 0),
  ])
  return [
    `Scenario 5 — browser: a ${result.clauses}-clause contract (${result.contractBytes} bytes stored) in headless Chromium, sign-in required, warm server; client ${result.clientBuild}`,
    `  opening in a fresh signed-in browser context, ms: from page.goto until a character typed into clause 1 is on screen; then the page's own clock from navigation start`,
    table(['', 'goto → typed char shown', 'DOM ready', 'editor', `${result.clauses} clauses`, 'Saved', 'typed char shown', 'server CPU ms', 'others % before'], [...openRows, summaryRow('median', median), summaryRow('max', max)]),
    '',
    `  typing into clause 150, one character every ${fixed(result.typing[0]?.intervalMs, 0)} ms: keystroke (keydown timestamp) to the end of the next frame, ms`,
    table(['', 'keystrokes', 'interval ms asked/got', 'p50', 'p95', 'max', 'input delay p95', 'Event Timing INP ms', 'long tasks n/longest ms', 'machine %', 'others % before'], typingRows),
    ...(result.clientBuildAtEnd !== result.clientBuild ? [`  WARNING: the client was rebuilt during the scenario (${result.clientBuild} → ${result.clientBuildAtEnd}); the pages did not all run the same client.`] : []),
    ...(result.pageErrors.length ? [`  page errors: ${result.pageErrors.join(' / ')}`] : []),
  ].join('\n')
}

/** Scenario 6: Concordat's CPU per edit under each policy, for the same suggestion-shaped edits. */
export function printSuggesting(results: ByPolicy<SuggestingResult>, settings: { suggestWriters: number; suggestRate: number; suggestEditsPerClause: number; seconds: number }): string {
  const any = Object.values(results)[0]
  const rows = Object.entries(results).map(([policy, r]) => [
    POLICY_LABELS[policy as ConcordatPolicy],
    String(r.editsSent),
    `${r.deliveries}/${r.expectedDeliveries}`,
    serverCpuColumn(r),
    fixed(r.cpuUsPerEdit, 1),
    fixed(r.userCpuUsPerEdit, 1),
    `${fixed(r.validateUsPerCall, 1)} (${r.validation?.calls ?? '—'})`,
    fixed(r.firstEditCpuMs, 1),
    fixed(r.latencyP50Ms),
    fixed(r.latencyP99Ms),
    ...machineColumns(r),
  ])
  const ratios = ([['suggester', 'editor'], ['editor', 'open'], ['suggester', 'open']] as const).flatMap(([a, b]) => {
    const x = results[a]
    const y = results[b]
    if (!x || !y) return []
    const hook = x.validateUsPerCall !== null && y.validateUsPerCall !== null && y.validateUsPerCall > 0 ? `,  validate hook ${fixed(x.validateUsPerCall / y.validateUsPerCall)}×` : ''
    return [`    ${a}/${b}: CPU per edit ${fixed(x.cpuUsPerEdit / y.cpuUsPerEdit)}×,  user CPU per edit ${fixed(x.userCpuUsPerEdit / y.userCpuUsPerEdit)}×${hook}`]
  })
  return [
    `Scenario 6 — suggesting: Concordat alone, a ${any?.seedBytes ?? '?'}-byte 300-clause contract in one room, ${settings.suggestWriters} writers × ${settings.suggestRate} edits/s, ${settings.seconds} s measured`,
    `  every run sends the same edits: text inserted into a paragraph of the writer's own, marked as its own suggestion, ${settings.suggestEditsPerClause} edits per paragraph before the next clause; only the role the server gives the writers differs`,
    table(['policy', 'edits', 'delivered/expected', 'server CPU ms (kernel/other threads)', 'CPU µs/edit', 'user CPU µs/edit', 'validate hook µs/call (calls)', 'first edit CPU ms', 'p50 ms', 'p99 ms', 'server loop lag p99/max ms', 'load CPU %', 'machine %', 'others % (idle before)', 'closes'], rows),
    ...(ratios.length ? ['  ratios', ...ratios] : []),
    "  (the validate hook's figure leaves out the suggester's second apply of each update, into the room's shadow copy, which the CPU per edit includes)",
  ].join('\n')
}

/** The suggesting scenario's section when it could not run. */
export function printSuggestingSkipped(reason: string): string {
  return `Scenario 6 — suggesting: not run: ${reason}`
}

/** The browser scenario's section when it could not run here. */
export function printBrowserSkipped(reason: string): string {
  return `Scenario 5 — browser: not run: ${reason}`
}

function target(name: string, concordat: number, other: number, allowedRatio: number, against: ServerKind | ConcordatPolicy, unit: string): Target {
  const ratio = concordat / other
  return { name, concordat, limit: other * allowedRatio, unit, ratio, allowedRatio, against, isMet: ratio <= allowedRatio }
}

/** The browser scenario's target: every measured open of the contract interactive within 1.5 s. */
const BROWSER_OPEN_LIMIT_MS = 1500

function fixedLimit(name: string, concordat: number, limit: number, unit: string): Target {
  return { name, concordat, limit, unit, ratio: concordat / limit, allowedRatio: 1, against: null, isMet: concordat <= limit }
}

/** Concordat's targets, for the scenarios and servers that were run. */
export function judgeTargets(
  fanOut: Record<number, ByServer<FanOutResult>>,
  manyRooms: ByServer<ManyRoomsResult> | null,
  coldJoin: ByServer<ColdJoinResult> | null,
  suggesting: ByPolicy<SuggestingResult> | null,
  browser: BrowserResult | null,
): Target[] {
  const targets: Target[] = []
  for (const [clients, results] of Object.entries(fanOut)) {
    if (results.concordat && results.relay) {
      targets.push(target(`fan-out ${clients} clients: CPU per delivery ≤ 1.3× the relay`, results.concordat.cpuUsPerDelivery, results.relay.cpuUsPerDelivery, 1.3, 'relay', 'µs'))
    }
  }
  if (manyRooms?.concordat && manyRooms.reference) {
    targets.push(target('many rooms: CPU per edit ≤ the reference', manyRooms.concordat.cpuUsPerEdit, manyRooms.reference.cpuUsPerEdit, 1, 'reference', 'µs'))
  }
  if (coldJoin?.concordat && coldJoin.reference) {
    targets.push(target('cold join: CPU per join ≤ 0.5× the reference', coldJoin.concordat.meanCpuMs, coldJoin.reference.meanCpuMs, 0.5, 'reference', 'ms'))
  }
  if (suggesting?.suggester && suggesting.editor) {
    targets.push(target('suggester validation ≤ 2× editor (CPU per edit, 300-clause contract)', suggesting.suggester.cpuUsPerEdit, suggesting.editor.cpuUsPerEdit, 2, 'editor', 'µs'))
  }
  if (browser && browser.opens.length > 0) {
    targets.push(fixedLimit(`browser: ${browser.clauses}-clause contract interactive ≤ ${BROWSER_OPEN_LIMIT_MS / 1000} s (slowest of ${browser.opens.length} opens)`, browser.interactiveMaxMs, BROWSER_OPEN_LIMIT_MS, 'ms'))
  }
  return targets
}

export function printTargets(targets: readonly Target[]): string {
  if (targets.length === 0) return 'Targets: none could be judged (Concordat and its comparison server must both run).'
  const rows = targets.map((t) => [
    t.name,
    `${fixed(t.concordat)} ${t.unit}`,
    `${fixed(t.limit)} ${t.unit}`,
    `${fixed(t.ratio)}× ${t.against ?? 'limit'}`,
    t.isMet ? 'MET' : 'MISSED',
  ])
  return ['Targets', table(['target', 'Concordat', 'limit', 'ratio', 'result'], rows)].join('\n')
}

/**
 * A timeline of who ran when: one horizontal lane per CPU (or VM, or VCPU),
 * a bar for each stretch of time something ran there, coloured by what ran.
 *
 *   cycle:   0        1000      2000      3000
 *   cpu0   [  A      |   B      |  A      |  B  ]
 *   cpu1   [ kernel |     C                     ]
 *
 * Drawn as floating horizontal bars (plotly `bar` with `base` = start and
 * `x` = length), one trace per label so the legend names each runner.
 */
import { UserError } from "../errors";
import { formatSimulatedTime } from "../machine/costs";
import { type BarTrace, type Figure, paletteColor } from "./figure";
import { withLogTicks } from "./log-axis";
import { type ChartOptions, baseLayout, checkPositiveSize } from "./options";

export interface TimelineSegment {
  /** The row: a CPU, VM or VCPU name. */
  lane: string;
  /** Who ran: the legend entry and colour (a process, a guest, "idle"). */
  label: string;
  start: number;
  /** Exclusive: the segment covers [start, end). */
  end: number;
  /** Extra words for the hover box (e.g. "timer interrupt"). */
  detail?: string;
}

/** "At cycle `at`, `label` started running on `lane`." */
export interface SwitchEvent {
  at: number;
  lane: string;
  label: string;
}

export interface TimelineOptions extends ChartOptions {
  /** Lanes top to bottom (default: in order of first appearance). */
  lanes?: readonly string[];
  /** A fixed colour per label; others take the palette in order. */
  colors?: Readonly<Record<string, string>>;
}

function checkSegments(segments: readonly TimelineSegment[]): void {
  segments.forEach((s, i) => {
    if (!Number.isFinite(s.start) || !Number.isFinite(s.end)) {
      throw new UserError(`timelineChart: segment ${i} (${s.label}) has a start or end that is not a finite number`);
    }
    if (s.end < s.start) {
      throw new UserError(`timelineChart: segment ${i} (${s.label}) ends at ${s.end}, before it starts at ${s.start}`);
    }
  });
}

function hoverText(s: TimelineSegment): string {
  const span = `cycles ${s.start} to ${s.end} (${s.end - s.start}, ${formatSimulatedTime(s.end - s.start)})`;
  return s.detail ? `${span}<br>${s.detail}` : span;
}

/** plotly reads "%{" in a hover template as a field: keep labels literal. */
function escapeTemplate(text: string): string {
  return text.replace(/%\{/g, "%\\{");
}

function firstSeen(values: readonly string[]): string[] {
  return [...new Set(values)];
}

export function timelineChart(segments: readonly TimelineSegment[], options: TimelineOptions = {}): Figure {
  checkSegments(segments);
  checkPositiveSize("timelineChart", options);
  const labels = firstSeen(segments.map((s) => s.label));
  const lanes = options.lanes ? [...options.lanes] : firstSeen(segments.map((s) => s.lane));
  const data: BarTrace[] = labels.map((label, i) => {
    const mine = segments.filter((s) => s.label === label);
    return {
      type: "bar",
      name: label,
      orientation: "h",
      y: mine.map((s) => s.lane),
      x: mine.map((s) => s.end - s.start),
      base: mine.map((s) => s.start),
      text: mine.map(hoverText),
      textposition: "none",
      marker: { color: options.colors?.[label] ?? paletteColor(i), line: { color: "#ffffff", width: 0.5 } },
      hovertemplate: `${escapeTemplate(label)} on %{y}<br>%{text}<extra></extra>`,
    };
  });
  const layout = baseLayout({ x: "cycle", ...options }, labels.length);
  layout.barmode = "overlay";
  layout.bargap = 0.3;
  layout.yaxis = { ...layout.yaxis, type: "category", categoryorder: "array", categoryarray: lanes, autorange: "reversed" };
  layout.height = options.height ?? Math.max(200, 120 + 50 * lanes.length);
  return withLogTicks({ data, layout });
}

/**
 * Turns a log of switches into segments: each runs on its lane until the
 * next switch on that lane, the last one until `end`.
 */
export function segmentsFromSwitches(events: readonly SwitchEvent[], end: number): TimelineSegment[] {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const open = new Map<string, SwitchEvent>();
  const out: TimelineSegment[] = [];
  const close = (e: SwitchEvent, until: number) => {
    if (until > e.at) out.push({ lane: e.lane, label: e.label, start: e.at, end: until });
  };
  for (const e of sorted) {
    const previous = open.get(e.lane);
    if (previous) close(previous, e.at);
    open.set(e.lane, e);
  }
  for (const e of open.values()) close(e, end);
  return out.sort((a, b) => a.start - b.start || a.lane.localeCompare(b.lane));
}

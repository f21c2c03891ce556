/**
 * Loaded with `--import` into a hop's process (sambakit's proxy child or a bare hop child) by
 * bench/proxy/ttft-timeline.ts: a timeline of what the process's event loop runs. Each socket
 * `data` callback (client side or target side, which socket, bytes, whether it carries a stream's
 * first content) and each timer or immediate callback (the proxy's check queue drains on a timer)
 * is recorded with its start, its wall time and its CPU time. The parent asks for the events of a
 * wave on IPC; the hop's own code is not touched.
 * @module
 */
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface TimelineEvent {
  kind: 'client' | 'target' | 'timer' | 'immediate';
  /** performance.timeOrigin + now(): comparable across processes of one machine. */
  at: number;
  wallMs: number;
  cpuMs: number;
  /** Socket events: the connection's port (the client's, or the hop's own to the target), bytes, and whether they hold non-empty `content`. */
  socket?: number;
  bytes?: number;
  content?: boolean;
}

export type TimelineRequest = { type: 'timeline-reset' } | { type: 'timeline-read' };
export type TimelineMessage = { type: 'timeline'; events: TimelineEvent[] };

let events: TimelineEvent[] = [];
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const origin = performance.timeOrigin;

function timed<T>(kind: TimelineEvent['kind'], run: () => T, extra?: Omit<TimelineEvent, 'kind' | 'at' | 'wallMs' | 'cpuMs'>): T {
  const at = performance.now();
  const cpu = cpuNow();
  try {
    return run();
  } finally {
    events.push({ kind, at: origin + at, wallMs: performance.now() - at, cpuMs: cpuNow() - cpu, ...extra });
  }
}

const contentPattern = /"content":"[^"]/;
type Emit = (this: Socket, event: string | symbol, ...args: unknown[]) => boolean;
const emit = Socket.prototype.emit as Emit;
(Socket.prototype as { emit: Emit }).emit = function (this: Socket & { server?: unknown }, event, ...args) {
  if (event !== 'data') return emit.call(this, event, ...args);
  const chunk = args[0] as Buffer;
  const side = this.server ? 'client' : 'target';
  // A client connection is told by its peer's port (all share the hop's), a target connection by its own.
  return timed(side, () => emit.call(this, event, ...args), { socket: (side === 'client' ? this.remotePort : this.localPort) ?? 0, bytes: chunk.length, content: side === 'target' && contentPattern.test(chunk.toString('latin1')) });
};

type Schedule = (callback: (...args: unknown[]) => void, ...rest: unknown[]) => unknown;
function wrapSchedule(name: 'setTimeout' | 'setImmediate', kind: 'timer' | 'immediate'): void {
  const original = globalThis[name] as unknown as Schedule;
  (globalThis as unknown as Record<string, Schedule>)[name] = (callback, ...rest) => original((...args) => timed(kind, () => callback(...args)), ...rest);
}
wrapSchedule('setTimeout', 'timer');
wrapSchedule('setImmediate', 'immediate');

process.on('message', (message: TimelineRequest) => {
  if (message.type === 'timeline-reset') events = [];
  else if (message.type === 'timeline-read') process.send!({ type: 'timeline', events } satisfies TimelineMessage);
});

/**
 * CPU time per thread of this process, from Linux's /proc/self/task/<tid>/stat (utime + stime, in clock ticks
 * of 10 ms): what a benchmark needs when the machine is shared and wall-clock rates say more about the other
 * work than about the code. Empty on systems without /proc.
 */
import fs from 'node:fs';

const TICK_MS = 10;

/** Milliseconds of CPU per thread id. */
export function readThreadCpu(pid: number | 'self' = 'self'): Map<number, number> {
  const cpu = new Map<number, number>();
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return cpu;
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces and parentheses): state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * TICK_MS);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return cpu;
}

/** CPU of each thread between two readings (threads that started meanwhile count from zero). */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): Map<number, number> {
  const delta = new Map<number, number>();
  for (const [tid, ms] of after) delta.set(tid, ms - (before.get(tid) ?? 0));
  return delta;
}

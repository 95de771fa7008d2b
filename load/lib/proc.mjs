// Reading a process's cost from /proc, and pinning it to cores, so a scenario can charge CPU and
// memory to the server it measures and not to the load generator beside it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux x86_64

/** User and system (kernel) CPU time the process has used so far, in microseconds. */
export const cpuSplitMicros = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: (Number(fields[11]) * 1_000_000) / TICKS_PER_SECOND, system: (Number(fields[12]) * 1_000_000) / TICKS_PER_SECOND };
};

/** User + system CPU time the process has used so far, in microseconds. */
export const cpuMicros = (pid) => {
  const { user, system } = cpuSplitMicros(pid);
  return user + system;
};

/** Resident memory in bytes. */
export const rssBytes = (pid) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
};

/** Pins a process (all its threads) to the given cores, e.g. '0' or '1'; returns false if taskset is missing. */
export const pin = (pid, cores) => {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export const percentile = (sorted, p) => {
  if (!sorted.length) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
};

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Busy and total CPU time of the whole machine so far (all cores, kernel and interrupts included), in ticks. */
export const machineTicks = () => {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((t, n) => t + n, 0);
  const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
};

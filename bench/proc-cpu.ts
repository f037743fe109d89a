import { readFileSync } from 'node:fs';

/**
 * utime + stime of a process in ms, from /proc/<pid>/stat (clock ticks of 10 ms); 0 once it is
 * gone. The fields after the command (which may hold spaces) start after ') '; utime and stime
 * are the 14th and 15th.
 */
export function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

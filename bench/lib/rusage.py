#!/usr/bin/env python3
"""Runs a command, bounded, and prints what it and its children used: CPU seconds (user + system),
wall seconds, average CPU as % of one core over the wall time (start-up included), and the
largest resident set size of any of them (MiB). Meanwhile, every second, it appends
"<epoch ms> <CPU seconds so far>" of the command's process to a samples file, so the CPU of any
window can be computed afterwards (the command must exec into the process that does the work,
as nice, taskset and java do).

Usage: rusage.py <outputFile> <cpuSamplesFile> <timeoutSeconds> <command...>
(the command's stdout and stderr go to outputFile). Exits with the command's exit code, 124 when
it ran out of time (it is then killed).
"""
import os
import resource
import subprocess
import sys
import time

out_path, samples_path, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
ticks = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (proc(5) fields 14 and 15)
    except (OSError, IndexError, ValueError):
        return None


t0 = time.monotonic()
with open(out_path, "w") as out, open(samples_path, "w") as samples:
    proc = subprocess.Popen(sys.argv[4:], stdout=out, stderr=subprocess.STDOUT)
    code = None
    while code is None:
        try:
            code = proc.wait(timeout=1.0 - (time.monotonic() - t0) % 1.0)
        except subprocess.TimeoutExpired:
            pass
        c = cpu_seconds(proc.pid)
        if c is not None and code is None:
            samples.write(f"{int(time.time() * 1000)} {c:.2f}\n")
            samples.flush()
        if code is None and time.monotonic() - t0 > limit:
            proc.kill()
            code = 124
            proc.wait()
wall = time.monotonic() - t0
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = usage.ru_utime + usage.ru_stime
print(f"cpu_s={cpu:.1f} wall_s={wall:.1f} cpu_avg_pct={100 * cpu / wall:.0f} max_rss_mb={usage.ru_maxrss / 1024:.0f}")
sys.exit(code)

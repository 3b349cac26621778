#!/usr/bin/env python3
"""Runs a command and prints the CPU seconds (user + system) it and its children used.

Usage: cpu.py <outputFile> [--window <from> <to>] <command...>
  (the command's stdout and stderr go to outputFile)

Prints the whole run's CPU seconds. With --window, also the CPU seconds the command's process tree
used between two whole wall-clock seconds, <from> + 1 and <to> - 1 seconds after the start (sampled
from /proc/<pid>/stat, so start-up and JIT before <from> are left out), and those two seconds as
Unix epoch seconds: "<total> <window> <fromEpoch> <toEpoch>". bench/lib/agent_rate.py counts the
requests started in the same seconds, which gives the steady CPU per request.
"""
import os
import resource
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu(root):
    """utime + stime of root and its live descendants, in seconds."""
    children, cpu = {}, {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(pid))
        cpu[int(pid)] = (int(fields[11]) + int(fields[12])) / TICK
    total, todo = 0.0, [root]
    while todo:
        p = todo.pop()
        total += cpu.get(p, 0.0)
        todo.extend(children.get(p, []))
    return total


args = sys.argv[2:]
window = None
if args[:1] == ["--window"]:
    window = (int(args[1]), int(args[2]))
    args = args[3:]
with open(sys.argv[1], "w") as out:
    start = time.time()
    proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    sample = None
    if window:
        first, last = int(start) + window[0] + 1, int(start) + window[1] - 1
        time.sleep(max(0.0, first - time.time()))
        c1 = tree_cpu(proc.pid)
        time.sleep(max(0.0, last - time.time()))
        c2 = tree_cpu(proc.pid)
        sample = (c2 - c1, first, last)
    code = proc.wait()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
line = f"{usage.ru_utime + usage.ru_stime:.1f}"
if sample:
    line += f" {sample[0]:.2f} {sample[1]} {sample[2]}"
print(line)
sys.exit(code)

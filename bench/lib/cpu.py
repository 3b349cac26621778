#!/usr/bin/env python3
"""Runs a command and prints the CPU seconds (user + system) it and its children used.

Usage: cpu.py <outputFile> [--samples <file>] <command...>
  (the command's stdout and stderr go to outputFile)

Prints the whole run's CPU seconds. With --samples, also writes "<epochSecond> <cpuSeconds>" lines
to <file>: the CPU the command's process tree had used at each whole wall-clock second while it
ran (utime + stime from /proc/<pid>/stat), from which bench/lib/agent_rate.py takes the CPU of the
steady seconds (start-up and JIT of the warm-up left out).
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
samples = None
if args[:1] == ["--samples"]:
    samples = open(args[1], "w")
    args = args[2:]
with open(sys.argv[1], "w") as out:
    proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    if samples:
        while proc.poll() is None:
            second = int(time.time()) + 1
            time.sleep(max(0.0, second - time.time()))
            if proc.poll() is None:
                samples.write(f"{second} {tree_cpu(proc.pid):.2f}\n")
        samples.close()
    code = proc.wait()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{usage.ru_utime + usage.ru_stime:.1f}")
sys.exit(code)

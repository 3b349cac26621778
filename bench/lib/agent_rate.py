#!/usr/bin/env python3
"""Requests per second of one agent run from its interval records (results/IntervalRecordCodec JSON lines).

Usage: agent_rate.py <resultsDir> <warmupSeconds> [<cpuSamplesFile>]
Prints: total requests, failures, whole-run req/s, steady req/s (whole seconds after the warm-up,
the last, partial second left out) and the per-second counts; given the CPU samples that
bench/lib/cpu.py --samples wrote, also the CPU µs per request of those same steady seconds
(steady_cpu_us_per_request: the process's CPU from the first steady second's start to the last
one's end, over the requests started in them).
"""
import collections
import glob
import json
import sys

results, warmup = sys.argv[1], int(sys.argv[2])
per_second = collections.Counter()
total = failures = 0
for path in glob.glob(results + "/*.jsonl"):
    for line in open(path):
        r = json.loads(line)
        if r["kind"] != "http":
            continue
        per_second[r["start"] // 1000] += r["count"]
        total += r["count"]
        failures += r["failures"]
seconds = sorted(per_second)
if not seconds:
    sys.exit("no http records in " + results)
span = seconds[-1] - seconds[0] + 1
steady_seconds = seconds[warmup:-1]
steady = [per_second[s] for s in steady_seconds]
steady_rate = sum(steady) / len(steady) if steady else 0.0
cpu_part = ""
if len(sys.argv) > 3 and steady_seconds:
    cpu_at = {}
    for line in open(sys.argv[3]):
        second, cpu = line.split()
        cpu_at[int(second)] = float(cpu)
    first, end = steady_seconds[0], steady_seconds[-1] + 1
    if first in cpu_at and end in cpu_at and sum(steady) > 0:
        cpu_part = f"steady_cpu_us_per_request={(cpu_at[end] - cpu_at[first]) * 1e6 / sum(steady):.1f} "
    else:
        cpu_part = "steady_cpu_us_per_request=n/a "
print(f"total={total} failures={failures} whole_run_rps={total / span:.0f} steady_rps={steady_rate:.0f} {cpu_part}"
      f"per_second={[per_second[s] for s in seconds]}")

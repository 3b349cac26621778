#!/usr/bin/env python3
"""The table of bench/vus-per-task.sh from its rows (one line of key=value per VU count).

Usage: vpt_table.py <rows file> <keep share, e.g. 0.97>
A step keeps up when, in the steady window, the agent
- reached at least <keep> of the intended rate (VUs per second),
- had no generator problem by its self-check's own rules applied to the window: never three
  seconds in a row above 90% of its core (SelfCheck.CPU_LIMIT), and its VUs woke from their think
  time at most 50 ms late at p99 (SelfCheck.LAG_LIMIT_MS),
and it ran to its end without failed requests. The self-check's verdict over the whole run (which
also counts the JIT's first seconds) is shown beside. The figure is the largest VU count that
keeps up with every smaller step keeping up too.
"""
import sys

keep = float(sys.argv[2])
rows = []
for line in open(sys.argv[1]):
    line = line.strip()
    if line:
        rows.append(dict(kv.split("=", 1) for kv in line.split() if "=" in kv))


def ok(r):
    return ("agent_failed" not in r and float(r["kept"]) >= keep and int(r["window_cpu_over90_run_s"]) < 3
            and float(r["late_p99_ms"]) <= 50 and int(r["failures"]) == 0)


print("| VUs | load at start | iterations/s (intended) | kept | failed requests | latency p50 / p99 / max ms "
      "| think wake-up late p99 / max ms | agent CPU in window avg / max 1 s | self-check, whole run: CPU max, lag max, saturated s (cause), warned "
      "| GC | GC pauses (total / max ms) | heap after GC max | RSS max | keeps up |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
figure = None
broken = False
for r in rows:
    if "agent_failed" in r:
        print(f"| {r['vus']} | {r['load_at_start']} | agent failed: {r.get('last_line', '').replace('_', ' ')} "
              "| | | | | | | | | | | **no** |")
        broken = True
        continue
    good = ok(r)
    print(f"| {int(r['vus']):,} | {r['load_at_start']} | {float(r['iterations_per_s']):,.0f} ({int(r['intended_per_s']):,}) "
          f"| {float(r['kept']):.3f} | {r['failures']} | {r['p50_ms']} / {r['p99_ms']} / {r['max_ms']} "
          f"| {r['late_p99_ms']} / {r['late_max_ms']} | {r['window_cpu_avg_pct']}% / {r['window_cpu_max_pct']}% "
          f"| {r['cpu_max_pct']}%, {r['lag_max_ms']} ms, {r['saturated_s']} ({r['cause']}), {r['selfcheck_warned_agent']} | {r['gc']} | {r['gc_pauses']} ({r['gc_total_ms']} / {r['gc_max_ms']}) "
          f"| {r['heap_after_gc_max_mb']} MB | {r['max_rss_mb']} MB | {'yes' if good else '**no**'} |")
    if good and not broken:
        figure = int(r["vus"])
    elif not good:
        broken = True
if figure is None:
    print("no step kept up")
else:
    print(f"largest VU count that keeps up (>= {keep} of the intended rate, no generator problem, every smaller step too): {figure:,}")

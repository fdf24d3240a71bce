#!/usr/bin/env python3
"""CPU time per thread of the JVMs of a cluster benchmark (three clvmd and the bench itself).

JFR's execution samples miss what is not Java code (GC, the JIT compilers, time in the kernel),
so this reads the kernel's own accounting instead: /proc/PID/task/TID/stat, every 0.5 s, for every
java process whose command line names clvmd (`io.clvm.daemon.Main`) or the benchmark
(`io.clvm.bench.`). The report cuts the samples to a window (e.g. the 3 x 3 run, whose wall-clock
start and end ClusterBench writes to its JSON) and sums user + system time per process and per
thread kind (the thread's name with its number taken off).

  scripts/thread-cpu.py sample OUT.jsonl            # until killed (SIGTERM/SIGINT)
  scripts/thread-cpu.py report OUT.jsonl START_MS END_MS [CONFIG_DIR_PART]

With CONFIG_DIR_PART (e.g. the bench's clvm-bench-NNN directory) only the daemons whose
configuration path contains it are counted: other clvmd processes on the machine (a test run) are
left out.
"""
import json
import os
import re
import signal
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def role(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except OSError:
        return None
    if not argv or not argv[0].endswith(b"java"):
        return None
    args = [a.decode(errors="replace") for a in argv]
    if "io.clvm.daemon.Main" in args:
        # The configuration's path tells one benchmark's daemons from another run's (tests too).
        cfg = args[args.index("--config") + 1] if "--config" in args else "?"
        return "clvmd " + cfg
    if any(a.startswith("io.clvm.bench.") for a in args):
        return "bench (ZooKeeper server + clients) pid " + str(pid)
    return None


def threads(pid):
    out = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                s = f.read()
        except OSError:
            continue
        # comm is in parentheses and may hold spaces; the fields after it are space-separated.
        comm = s[s.index("(") + 1 : s.rindex(")")]
        rest = s[s.rindex(")") + 2 :].split()
        out.append((int(tid), comm, int(rest[11]), int(rest[12])))
    return out


def sample(path):
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    with open(path, "w") as out:
        while not stop:
            now = int(time.time() * 1000)
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                r = role(pid)
                if r is None:
                    continue
                for tid, comm, ut, st in threads(pid):
                    out.write(json.dumps([now, int(pid), r, tid, comm, ut, st]) + "\n")
            out.flush()
            time.sleep(0.5)


def kind(comm):
    # "Curator-Safe..", "pool-3-thread-1", "GC Thread#1", "C2 CompilerThre": drop the numbers.
    return re.sub(r"[#-]?\d+", "#", comm).strip()


def report(path, start, end, only=None):
    first, last = {}, {}
    with open(path) as f:
        for line in f:
            t, pid, r, tid, comm, ut, st = json.loads(line)
            if only is not None and not (r.startswith("bench") or only in r):
                continue
            key = (pid, r, tid, comm)
            if t <= start:
                first[key] = ut + st
            elif t <= end:
                last[key] = ut + st
    per_thread = {}
    for key, v in last.items():
        per_thread[key] = v - first.get(key, 0) if key in first else v
    by_role, by_kind = {}, {}
    for (pid, r, tid, comm), ticks in per_thread.items():
        by_role[r] = by_role.get(r, 0) + ticks
        k = (r if r.startswith("bench") else "clvmd (3 nodes)", kind(comm))
        by_kind[k] = by_kind.get(k, 0) + ticks
    total = sum(by_role.values()) or 1
    wall = (end - start) / 1000
    print(f"window {wall:.1f} s; CPU {total / TICK:.1f} s ({total / TICK / wall:.2f} cores)")
    print()
    print("| process | CPU s | share |")
    print("|---|---:|---:|")
    for r, v in sorted(by_role.items(), key=lambda x: -x[1]):
        print(f"| {r} | {v / TICK:.1f} | {100 * v / total:.1f} % |")
    print()
    print("| process | thread kind | CPU s | share |")
    print("|---|---|---:|---:|")
    for (r, k), v in sorted(by_kind.items(), key=lambda x: -x[1]):
        if v * 200 < total:
            continue
        print(f"| {r} | {k} | {v / TICK:.1f} | {100 * v / total:.1f} % |")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "sample":
        sample(sys.argv[2])
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "report":
        report(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), (sys.argv[5:] or [None])[0])
    else:
        sys.exit(__doc__)

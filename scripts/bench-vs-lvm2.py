#!/usr/bin/env python3
"""clvm against lvm2 on loop devices: wall time per command, medians of repeated runs.

    sudo scripts/bench-vs-lvm2.py [--sizes 10,1000,10000] [--runs 15] [--modes local,cluster]
                                  [--out build-out/bench-vs-lvm2.md]

For each VG size a sparse file (named *-clvmtest.img) is attached as a loop device; lvm2 (private
lvm.conf, activation=0, as the fixtures' README shows) makes the PV and VG, then the VG is filled
with N linear LVs at once through vgcfgrestore of a generated backup file (creating 10,000 LVs one
lvcreate at a time would take most of an hour). Then each command runs alternately with lvm2 and
with clvm (local mode, `--devices` naming the loop device), so that both see the same machine state.

Cluster mode (`--modes cluster`, or both): a second loop device of the same size gets a VG
`clvmvg` made and filled by lvm2 the same way; one clvmd (bin/clvmd, its default JVM options, the
embedded ZooKeeper on a free loopback port, the in-memory device-mapper, sessionTimeout 10 s)
serves it after `clvm cluster import clvmvg`. (A cluster-managed VG is marked so that lvm2 refuses
to change it, hence a VG of its own; each lvm2 runs with a filter that sees only its own device.)
Every round then times, alternately: lvm2; clvm in local mode; `bin/clvm` in cluster mode (what
an admin types: the launcher's thin client, clvm-forward, sends argv over the control socket to
clvmd; with CLVM_NO_FORWARDER=1 in the environment a client JVM does it, as before session 4);
and the same request sent straight to the control socket by this script (the daemon's own time). After each size the daemon's heap after a full GC (jcmd GC.run, then
GC.heap_info) and its resident memory (/proc/PID/status VmRSS, VmHWM) are recorded.
Needs root, lvm2 and a built project (mvn -B -q -DskipTests package).
"""
import argparse, json, os, re, socket, statistics, subprocess, sys, tempfile, time


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLVM = os.path.join(ROOT, "bin", "clvm")
CLVMD = os.path.join(ROOT, "bin", "clvmd")
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#"


def lvm_uuid():
    raw = os.urandom(32)
    s = "".join(ALPHABET[b % 62] for b in raw)
    return "-".join([s[0:6], s[6:10], s[10:14], s[14:18], s[18:22], s[22:26], s[26:32]])


def sh(cmd, env=None, check=True):
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and p.returncode != 0:
        sys.exit("bench: %s failed (%d): %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    return p


def lvm_env(work, dev, tag="lvm2"):
    """A private lvm.conf under work/tag that sees only the loop device dev."""
    work = os.path.join(work, tag)
    etc = os.path.join(work, "etc")
    for d in ("etc/backup", "etc/archive", "lock"):
        os.makedirs(os.path.join(work, d), exist_ok=True)
    only = "a|^%s$|" % re.escape(dev)
    with open(os.path.join(etc, "lvm.conf"), "w") as f:
        f.write("""devices { dir="/dev" hints="none" filter=["%s","r|.*|"]
 global_filter=["%s","r|.*|"] use_devicesfile=0
 obtain_device_list_from_udev=0 external_device_info_source="none"
 md_component_detection=0 multipath_component_detection=0 fw_raid_component_detection=0 }
global { activation=0 use_lvmlockd=0 event_activation=0 locking_dir="%s/lock" system_id_source="none" }
activation { udev_sync=0 udev_rules=0 monitoring=0 verify_udev_operations=0 }
backup { backup=1 backup_dir="%s/etc/backup" archive=0 archive_dir="%s/etc/archive" }
""" % (only, only, work, work, work))
    env = dict(os.environ, LVM_SYSTEM_DIR=etc, LVM_SUPPRESS_FD_WARNINGS="1")
    return env


def clvm_env(work):
    conf = os.path.join(work, "clvm.conf")
    with open(conf, "w") as f:
        f.write("global {\n\tlocking_mode = \"local\"\n\tlock_dir = \"%s/clvm-lock\"\n}\n"
                "backup {\n\tbackup = 1\n\tbackup_dir = \"%s/clvm-backup\"\n\tarchive = 0\n"
                "\tarchive_dir = \"%s/clvm-archive\"\n}\n" % (work, work, work))
    return dict(os.environ, CLVM_CONF=conf)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_clvmd(work, dev):
    """One clvmd with the embedded ZooKeeper, serving dev; returns (process, config path)."""
    conf = os.path.join(work, "clvmd.conf")
    sock = os.path.join(work, "clvmd.sock")
    with open(conf, "w") as f:
        f.write("\n".join([
            'cluster.name = "bench"', 'node.id = "node1"',
            'zookeeper.embedded.address = "127.0.0.1"',
            "zookeeper.embedded.port = %d" % free_port(),
            'zookeeper.embedded.dataDir = "%s/zk"' % work,
            "zookeeper.sessionTimeoutMs = 10000",
            'socket.path = "%s"' % sock, 'socket.allowedUsers = "root"',
            "socket.readTimeoutMs = 120000",
            'global.locking_mode = "cluster"', 'global.lock_dir = "%s/clvmd-lock"' % work,
            'backup.backup_dir = "%s/clvmd-backup"' % work,
            'backup.archive_dir = "%s/clvmd-archive"' % work,
            'devices.devices = "%s"' % dev, 'activation.name_prefix = "bench-"',
            'activation.device_mapper = "memory"', ""]))
    log = open(os.path.join(work, "clvmd.log"), "w")
    proc = subprocess.Popen([CLVMD, "--config", conf], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    while not os.path.exists(sock):
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            sys.exit("bench: clvmd did not start; its log:\n" + open(log.name).read()[-3000:])
        time.sleep(0.1)
    return proc, conf, sock


def daemon_request(sock, command, argv):
    """One command straight over clvmd's control socket (the JSON the CLI's Forwarder sends)."""
    req = {"version": 1, "type": "command", "command": command, "argv": argv, "cwd": "/", "env": {}}
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(sock)
        s.sendall(json.dumps(req).encode() + b"\n")
        s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            b = s.recv(1 << 20)
            if not b:
                break
            chunks.append(b)
    return json.loads(b"".join(chunks))


def timed_socket(sock, command, argv):
    t = time.perf_counter()
    r = daemon_request(sock, command, argv)
    dt = (time.perf_counter() - t) * 1000
    if r.get("exitCode") != 0:
        sys.exit("bench: clvmd %s %s failed (%s): %s" % (command, " ".join(argv), r.get("exitCode"), r.get("stderr")))
    return dt


def daemon_memory(pid):
    """Heap used after a full GC (jcmd) and resident memory of the daemon, in MiB."""
    out = {}
    jcmd = os.path.join(os.path.dirname(os.path.realpath(subprocess.run(
        ["sh", "-c", "command -v java"], stdout=subprocess.PIPE, text=True).stdout.strip())), "jcmd")
    subprocess.run([jcmd, str(pid), "GC.run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    info = subprocess.run([jcmd, str(pid), "GC.heap_info"], stdout=subprocess.PIPE, text=True).stdout
    m = re.search(r"total (\d+)K, used (\d+)K", info)
    if m:
        out["heap_committed"] = int(m.group(1)) / 1024
        out["heap_used_after_gc"] = int(m.group(2)) / 1024
    for line in open("/proc/%d/status" % pid):
        k, _, v = line.partition(":")
        if k in ("VmRSS", "VmHWM"):
            out[k] = int(v.split()[0]) / 1024
    return out


def fill_vg(env, work, vg, n):
    """Adds n linear LVs of one extent each through vgcfgrestore of a generated backup file."""
    backup = os.path.join(work, vg + ".backup")
    sh(["vgcfgbackup", "-f", backup, vg], env)
    text = open(backup).read()
    lvs = []
    now = int(time.time())
    for i in range(n):
        lvs.append('\t\tlv%d {\n\t\t\tid = "%s"\n\t\t\tstatus = ["READ", "WRITE", "VISIBLE"]\n'
                   '\t\t\tflags = []\n\t\t\tcreation_time = %d\n\t\t\tcreation_host = "bench"\n'
                   '\t\t\tsegment_count = 1\n\n\t\t\tsegment1 {\n\t\t\t\tstart_extent = 0\n'
                   '\t\t\t\textent_count = 1\n\n\t\t\t\ttype = "striped"\n\t\t\t\tstripe_count = 1\n\n'
                   '\t\t\t\tstripes = [\n\t\t\t\t\t"pv0", %d\n\t\t\t\t]\n\t\t\t}\n\t\t}\n'
                   % (i, lvm_uuid(), now, i))
    # The VG section ends with the physical_volumes section and then "}" closing the VG: insert
    # a logical_volumes section before that closing brace.
    marker = "\n}\n# Generated by" if "\n}\n# Generated by" in text else None
    head, sep, tail = text.rpartition("\n}\n")
    text = head + "\n\n\tlogical_volumes {\n\n" + "\n".join(lvs) + "\t}\n" + sep + tail
    with open(backup, "w") as f:
        f.write(text)
    sh(["vgcfgrestore", "-f", backup, vg], env)


def timed(cmd, env):
    t = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = (time.perf_counter() - t) * 1000
    if p.returncode != 0:
        sys.exit("bench: %s failed (%d): %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    return dt


def stats(xs):
    return statistics.median(xs), min(xs), max(xs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,1000,10000")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=0,
                    help="rounds run first and not timed (clvmd's JIT warms up over them)")
    ap.add_argument("--modes", default="local,cluster",
                    help="local, cluster (bin/clvm and the socket), socket (clvmd alone), jvm"
                         " (bin/clvm in cluster mode with CLVM_NO_FORWARDER=1: a client JVM"
                         " forwards, as before the thin client)")
    ap.add_argument("--commands", default="lvs,vgs,lvcreate,lvextend",
                    help="which of lvs,vgs,lvcreate,lvextend to time")
    ap.add_argument("--out", default=os.path.join(ROOT, "build-out", "bench-vs-lvm2.md"))
    a = ap.parse_args()
    modes = a.modes.split(",")
    jvm = "jvm" in modes
    local, cluster = "local" in modes, "cluster" in modes or "socket" in modes or jvm
    client = "cluster" in modes  # bin/clvm in cluster mode (the thin client, or a JVM)
    commands = a.commands.split(",")
    rows, memory = [], []
    for n in [int(s) for s in a.sizes.split(",")]:
        work = tempfile.mkdtemp(prefix="clvm-bench-")
        devs, daemon = [], None
        try:
            # one 1 MiB extent per LV, plus room for the runs' lvcreate/lvextend
            size_mib = n + 8 * (a.warmup + a.runs) + 512
            for i in range(2 if cluster else 1):
                img = os.path.join(work, "pv%d-clvmtest.img" % i)
                with open(img, "wb") as f:
                    f.truncate(size_mib * 1024 * 1024)
                devs.append(sh(["losetup", "-f", "--show", img]).stdout.strip())
            dev = devs[0]
            lenv, cenv = lvm_env(work, dev), clvm_env(work)
            mda = "256m" if n >= 10000 else "16m"
            sh(["pvcreate", "-y", "--metadatasize", mda, dev], lenv)
            sh(["vgcreate", "-s", "1m", "benchvg", dev], lenv)
            if n:
                fill_vg(lenv, work, "benchvg", n)
            if cluster:
                # the cluster's VG: made and filled by lvm2 exactly like benchvg, then imported
                xenv = lvm_env(work, devs[1], "lvm2-clvmvg")
                sh(["pvcreate", "-y", "--metadatasize", mda, devs[1]], xenv)
                sh(["vgcreate", "-s", "1m", "clvmvg", devs[1]], xenv)
                if n:
                    fill_vg(xenv, work, "clvmvg", n)
                daemon, dconf, dsock = start_clvmd(work, devs[1])
                denv = dict(os.environ, CLVM_CONF=dconf)
                jenv = dict(denv, CLVM_NO_FORWARDER="1")
                r = daemon_request(dsock, "clvm", ["cluster", "import", "clvmvg"])
                if r.get("exitCode") != 0:
                    r = sh([CLVM, "cluster", "import", "clvmvg"], denv)
            dv = ["--devices", dev]

            def series(name, mk):
                """Runs a.runs rounds; each round times lvm2, clvm local, clvm cluster through
                bin/clvm, then the same kind of request straight over the socket, alternately."""
                acc = {}
                for i in range(a.warmup + a.runs):
                    lcmd, ccmd, xcmd, scmd, jcmd = mk(i)
                    if i < a.warmup:  # the same commands, untimed
                        timed(lcmd, lenv)
                        if local:
                            timed([CLVM] + ccmd[:1] + dv + ccmd[1:], cenv)
                        if client:
                            timed([CLVM] + xcmd, denv)
                        if jvm:
                            timed([CLVM] + jcmd, jenv)
                        if cluster:
                            timed_socket(dsock, scmd[0], scmd[1:])
                        continue
                    acc.setdefault("lvm2", []).append(timed(lcmd, lenv))
                    if local:
                        acc.setdefault("local", []).append(
                            timed([CLVM] + ccmd[:1] + dv + ccmd[1:], cenv))
                    if client:
                        acc.setdefault("cli", []).append(timed([CLVM] + xcmd, denv))
                    if jvm:
                        acc.setdefault("jvm", []).append(timed([CLVM] + jcmd, jenv))
                    if cluster:
                        acc.setdefault("socket", []).append(timed_socket(dsock, scmd[0], scmd[1:]))
                rows.append((n, name, acc))

            def create(vg, name):
                return ["lvcreate", "-an", "-Zn", "-n", name, "-L", "1m", vg]

            if "lvs" in commands:
                series("lvs", lambda i: (["lvs", "benchvg"], ["lvs", "benchvg"], ["lvs", "clvmvg"],
                                       ["lvs", "clvmvg"], ["lvs", "clvmvg"]))
            if "vgs" in commands:
                series("vgs", lambda i: (["vgs", "benchvg"], ["vgs", "benchvg"], ["vgs", "clvmvg"],
                                       ["vgs", "clvmvg"], ["vgs", "clvmvg"]))
            if "lvcreate" in commands or "lvextend" in commands:  # lvextend extends c0/s0
                series("lvcreate", lambda i: (create("benchvg", "l%d" % i), create("benchvg", "c%d" % i),
                                            create("clvmvg", "c%d" % i), create("clvmvg", "s%d" % i),
                                            create("clvmvg", "j%d" % i)))
            if "lvextend" in commands:
                series("lvextend", lambda i: (["lvextend", "-L", "+1m", "benchvg/l0"],
                                            ["lvextend", "-L", "+1m", "benchvg/c0"],
                                            ["lvextend", "-L", "+1m", "clvmvg/c0"],
                                            ["lvextend", "-L", "+1m", "clvmvg/s0"],
                                            ["lvextend", "-L", "+1m", "clvmvg/j0"]))
            if daemon:
                m = daemon_memory(daemon.pid)
                m["lvs"] = n
                memory.append(m)
        finally:
            if daemon:
                daemon.terminate()
                try:
                    daemon.wait(30)
                except subprocess.TimeoutExpired:
                    daemon.kill()
            for d in devs:
                subprocess.run(["losetup", "-d", d])
            subprocess.run(["rm", "-rf", work])
    cols = [("lvm2", "lvm2")]
    if local:
        cols.append(("local", "clvm local"))
    if client:
        cols.append(("cli", "clvm cluster (bin/clvm → clvmd)"))
    if jvm:
        cols.append(("jvm", "clvm cluster (client JVM → clvmd)"))
    if cluster:
        cols.append(("socket", "clvmd (socket only)"))
    head = "| LVs | command | " + " | ".join("%s ms" % c[1] for c in cols) + " | " + " | ".join(
        "%s / lvm2" % c[1] for c in cols[1:]) + " |"
    out = ["Wall time per command, median (min–max) of %d runs after %d untimed, in ms."
           % (a.runs, a.warmup), "", head,
           "|---:|---|" + "---:|" * (2 * len(cols) - 1)]
    for n, name, acc in rows:
        lm = statistics.median(acc["lvm2"])
        cells = ["%.1f (%.1f–%.1f)" % stats(acc[k]) for k, _ in cols]
        ratios = ["%.2f" % (statistics.median(acc[k]) / lm) for k, _ in cols[1:]]
        out.append("| %d | %s | %s | %s |" % (n, name, " | ".join(cells), " | ".join(ratios)))
    if memory:
        out += ["", "clvmd memory after the runs (heap used after a full GC; resident set, peak):", "",
                "| LVs | heap used after GC MiB | heap committed MiB | VmRSS MiB | VmHWM MiB |",
                "|---:|---:|---:|---:|---:|"]
        for m in memory:
            out.append("| %d | %.1f | %.1f | %.1f | %.1f |" % (
                m["lvs"], m.get("heap_used_after_gc", -1), m.get("heap_committed", -1),
                m.get("VmRSS", -1), m.get("VmHWM", -1)))
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")
    with open(os.path.splitext(a.out)[0] + ".json", "w") as f:
        json.dump({"rows": [{"lvs": n, "command": c, "ms": acc} for n, c, acc in rows],
                   "memory": memory, "runs": a.runs}, f, indent=1)
    print("\n".join(out))


if __name__ == "__main__":
    main()

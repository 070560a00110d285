#!/usr/bin/env python3
"""run.py — the measuring half of tools/bench: index one corpus with keikaku and Groonga, time a
fixed query set against both as HTTP servers on loopback, and print one table.

Indexing: keikaku-index builds a fresh database from the corpus; the passages it would index
(`keikaku-index --dump`) become Groonga load commands (groonga_commands.py) that `groonga -n`
executes, so both engines hold the same records. Each is run under /usr/bin/time for wall
time, CPU time and peak RSS; the converting steps are not timed. Size on disk is every byte of
the database folder (`du -sb`), stored text included for both.

Queries: `keikaku-query serve` and `groonga -s --protocol http` on loopback, each asked for the
top 10 by score with the same columns (score, document, line, snippet), one request at a
time from this process, each on a new connection, timed from sending the request to having
read the whole response; Groonga's result cache is bypassed (cache=no), as keikaku has none.
A warm-up pass over every query comes first; then PASSES timed passes, each query sent to
keikaku then to Groonga, so that both see the same machine load.

Usage: run.py --build DIR --corpus DIR --work DIR --queries FILE [--passes N] [--queries-only]
"""
import argparse
import http.client
import json
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse

MIB = 1 << 20

# The targets, as ratios keikaku / Groonga (and p99 in ms); "min" targets must be
# reached or exceeded, "max" targets not exceeded.
TARGETS = {
    "throughput": ("min", 2.0),
    "rss": ("max", 0.5),
    "disk": ("max", 0.8),
    "p50": ("max", 0.5),
}
P99_MAX_MS = 50.0


def die(msg):
    print(f"tools/bench: error: {msg}", file=sys.stderr)
    sys.exit(1)


def corpus_bytes(root):
    total = 0
    for folder, _, files in os.walk(root):
        for f in files:
            total += os.path.getsize(os.path.join(folder, f))
    return total


def folder_bytes(path):
    out = subprocess.run(["du", "-sb", path], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[0])


def timed(cmd, time_file, stdin=None, stdout=subprocess.DEVNULL):
    """Run cmd under /usr/bin/time; return {wall, cpu (user + system) seconds, rss bytes}."""
    full = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", time_file] + cmd
    r = subprocess.run(full, stdin=stdin, stdout=stdout)
    if r.returncode != 0:
        die(f"{' '.join(cmd)} failed with exit status {r.returncode}")
    with open(time_file) as f:
        wall, user, system, rss_kb = f.read().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(system), "rss": int(rss_kb) * 1024}


def index_keikaku(a, db):
    subprocess.run(["rm", "-rf", db], check=True)
    t = timed([os.path.join(a.build, "bin", "keikaku-index"), "--quiet", "--db", db, a.corpus],
              os.path.join(a.work, "keikaku.time"))
    return dict(t, disk=folder_bytes(db))


def index_groonga(a, gdir):
    passages = os.path.join(a.work, "passages.jsonl")
    commands = os.path.join(a.work, "load.grn")
    with open(passages, "w") as out:
        r = subprocess.run([os.path.join(a.build, "bin", "keikaku-index"), "--quiet", "--dump",
                            a.corpus], stdout=out)
    if r.returncode != 0:
        die("keikaku-index --dump failed")
    here = os.path.dirname(os.path.abspath(__file__))
    with open(passages) as src, open(commands, "w") as out:
        subprocess.run([sys.executable, os.path.join(here, "groonga_commands.py")], stdin=src,
                       stdout=out, check=True)
    subprocess.run(["rm", "-rf", gdir], check=True)
    os.makedirs(gdir)
    with open(commands) as src:
        t = timed(["groonga", "-n", os.path.join(gdir, "db")], os.path.join(a.work, "groonga.time"),
                  stdin=src)
    with open(passages) as f:
        n = sum(1 for _ in f)
    return dict(t, disk=folder_bytes(gdir), passages=n)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    """One request on a new connection; returns (seconds, status, body)."""
    t0 = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    t = time.perf_counter() - t0
    c.close()
    return t, r.status, body


def wait_ready(port, path, proc, what):
    for _ in range(600):
        if proc.poll() is not None:
            die(f"{what} exited with status {proc.returncode} before serving")
        try:
            get(port, path)
            return
        except OSError:
            time.sleep(0.1)
    die(f"{what} did not answer on port {port} within 60 s")


# Both engines are asked for the same columns of the top 10: score, document, line and a
# snippet with the matches marked (keikaku's answer otherwise also holds every stored field,
# the whole passage text, highlight offsets and the passage's copies in other documents).
def keikaku_path(q):
    return "/api/search?" + urllib.parse.urlencode(
        {"q": q, "limit": 10, "fields": "score,doc,line,snippet"})


def groonga_path(q):
    # cache=no: Groonga keeps the results of recent selects and would answer the timed passes
    # from that cache (0.3 ms for 区 instead of 50 ms); keikaku keeps no results between requests.
    return "/d/select?" + urllib.parse.urlencode({
        "table": "Passages", "match_columns": "text", "query": q,
        "output_columns": "_score,doc,line,snippet_html(text)", "limit": 10,
        "sort_keys": "-_score", "cache": "no"})


def keikaku_hits(status, body):
    if status != 200:
        return None
    return len(json.loads(body)["hits"])


def groonga_hits(status, body):
    if status != 200:
        return None
    result = json.loads(body)
    return len(result[1][0]) - 2  # [[count], [columns], rows...]


ENGINES = [("keikaku", keikaku_path, keikaku_hits), ("groonga", groonga_path, groonga_hits)]


def load_queries(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                category, query = line.rstrip("\n").split("\t")
                out.append((category, query))
    return out


def run_queries(a, ports):
    queries = load_queries(a.queries)
    times = {e[0]: [] for e in ENGINES}
    by_cat = {e[0]: {} for e in ENGINES}
    hits = {e[0]: {} for e in ENGINES}
    for p in range(a.passes + 1):  # pass 0 is the warm-up
        for category, q in queries:
            for name, path, count in ENGINES:
                t, status, body = get(ports[name], path(q))
                n = count(status, body)
                hits[name][q] = n
                if p > 0:
                    times[name].append(t)
                    by_cat[name].setdefault(category, []).append(t)
    return queries, times, by_cat, hits


def percentile(values, p):
    """Nearest-rank percentile."""
    v = sorted(values)
    return v[max(0, math.ceil(p / 100.0 * len(v)) - 1)]


def start_servers(a, db, gdir):
    ports = {"keikaku": free_port(), "groonga": free_port()}
    kk = subprocess.Popen([os.path.join(a.build, "bin", "keikaku-query"), "--db", db, "serve",
                           "--listen", f"127.0.0.1:{ports['keikaku']}"],
                          stdout=subprocess.DEVNULL)
    gr = subprocess.Popen(["groonga", "-s", "--protocol", "http", "-p", str(ports["groonga"]),
                           os.path.join(gdir, "db")], stdout=subprocess.DEVNULL)
    try:
        wait_ready(ports["keikaku"], keikaku_path("区"), kk, "keikaku-query serve")
        wait_ready(ports["groonga"], "/d/status", gr, "groonga")
    except SystemExit:
        kk.terminate()
        gr.terminate()
        raise
    return ports, [kk, gr]


def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) * 1024
    osname = platform.system()
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    osname = line.split("=", 1)[1].strip().strip('"')
    groonga = subprocess.run(["groonga", "--version"], capture_output=True,
                             text=True).stdout.split()[1]
    xapian = subprocess.run(["pkg-config", "--modversion", "xapian-core"], capture_output=True,
                            text=True).stdout.strip()
    load = os.getloadavg()[0]
    return (f"{os.cpu_count()} cores ({cpu}), {mem / (1 << 30):.0f} GB RAM, {osname}; "
            f"Xapian {xapian}, Groonga {groonga}; load average {load:.1f} at the start")


def verdict(key, ratio):
    kind, bound = TARGETS[key]
    ok = ratio >= bound if kind == "min" else ratio <= bound
    return f"{'≥' if kind == 'min' else '≤'} {bound:g} {'ok' if ok else 'MISSED'}"


def print_index_table(size, kk, gr):
    print(f"Corpus: {size / MIB:.0f} MB, {gr['passages']} passages (MB = 2^20 bytes)\n")
    print("| | keikaku | Groonga | keikaku / Groonga | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    rows = [
        ("indexing wall time", f"{kk['wall']:.1f} s", f"{gr['wall']:.1f} s",
         kk["wall"] / gr["wall"], None),
        ("indexing throughput", f"{size / MIB / kk['wall']:.2f} MB/s",
         f"{size / MIB / gr['wall']:.2f} MB/s", gr["wall"] / kk["wall"], "throughput"),
        ("CPU time (user + system)", f"{kk['cpu']:.1f} s", f"{gr['cpu']:.1f} s",
         kk["cpu"] / gr["cpu"], None),
        ("peak RSS while indexing", f"{kk['rss'] / MIB:.0f} MB", f"{gr['rss'] / MIB:.0f} MB",
         kk["rss"] / gr["rss"], "rss"),
        ("index on disk (text included)", f"{kk['disk'] / MIB:.0f} MB",
         f"{gr['disk'] / MIB:.0f} MB", kk["disk"] / gr["disk"], "disk"),
    ]
    for label, k, g, ratio, key in rows:
        print(f"| {label} | {k} | {g} | {ratio:.2f} | {verdict(key, ratio) if key else ''} |")


def print_query_table(queries, times, by_cat, hits):
    kk, gr = times["keikaku"], times["groonga"]
    for label, p in (("query p50", 50), ("query p95", 95), ("query p99", 99)):
        k, g = percentile(kk, p) * 1000, percentile(gr, p) * 1000
        if p == 50:
            target = verdict("p50", k / g)
        elif p == 99:
            target = f"keikaku ≤ {P99_MAX_MS:g} ms {'ok' if k <= P99_MAX_MS else 'MISSED'}"
        else:
            target = ""
        print(f"| {label} | {k:.1f} ms | {g:.1f} ms | {k / g:.2f} | {target} |")
    print(f"\n{len(queries)} queries, {len(kk) // len(queries)} timed passes after a warm-up; "
          "p50 by category and queries without hits:\n")
    print("| category | keikaku p50 | Groonga p50 | keikaku no hits | Groonga no hits |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for cat in dict.fromkeys(c for c, _ in queries):
        qs = [q for c, q in queries if c == cat]
        k0 = sum(1 for q in qs if not hits["keikaku"].get(q))
        g0 = sum(1 for q in qs if not hits["groonga"].get(q))
        print(f"| {cat} | {statistics.median(by_cat['keikaku'][cat]) * 1000:.1f} ms | "
              f"{statistics.median(by_cat['groonga'][cat]) * 1000:.1f} ms | {k0}/{len(qs)} | "
              f"{g0}/{len(qs)} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--queries-only", action="store_true",
                    help="reuse the databases of the last run; time the queries only")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    db, gdir = os.path.join(a.work, "keikaku.db"), os.path.join(a.work, "groonga")
    stats_file = os.path.join(a.work, "index-stats.json")
    print(f"Machine: {machine()}\n", flush=True)
    size = corpus_bytes(a.corpus)
    if a.queries_only:
        with open(stats_file) as f:
            kk, gr = json.load(f)
    else:
        print("indexing with keikaku …", file=sys.stderr, flush=True)
        kk = index_keikaku(a, db)
        print("loading into Groonga …", file=sys.stderr, flush=True)
        gr = index_groonga(a, gdir)
        with open(stats_file, "w") as f:
            json.dump([kk, gr], f)
    print("timing queries …", file=sys.stderr, flush=True)
    ports, procs = start_servers(a, db, gdir)
    try:
        results = run_queries(a, ports)
    finally:
        for p in procs:
            p.terminate()
            p.wait()
    print_index_table(size, kk, gr)
    print_query_table(*results)


if __name__ == "__main__":
    main()

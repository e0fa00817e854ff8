"""The benchmark: the site behind gunicorn on PostgreSQL, against the raw psycopg baseline and against Datasette
serving the same snapshot. Run it with bench/run.

Steps (each prints as it goes; the table comes last). "large" is x100, or x10 with --quick:
1. builds the PostgreSQL databases: x1 (the 2013 dataset), large and, in a full run, x1000 (plus synthetic data);
2. per scale x1 and large: a snapshot, its data package loaded into SQLite for Datasette (datasette_db.py), and
   the three servers side by side: the site (gunicorn, 2 workers, server-side cache off: every answer is
   built), the raw baseline (baseline.py, same gunicorn) and Datasette (datasette_app.py, uvicorn, 2 workers).
   Each endpoint's JSON must be the same from all three; then 7 interleaved rounds, and per endpoint the
   ratios ours / raw and ours / Datasette as the median of the per-round ratios, with their range;
3. throughput with wrk (16 connections, 30 s) on the mechanisms list at large, cache off and on (Redis);
4. a conditional GET answered 304: its latency, and in-process proof that no serializer or renderer ran;
5. snapshot creation at large (and x1000): time and peak resident memory; export and import at large;
6. a profile (pyinstrument) of the mechanisms list at large.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import datasette_app  # bench/, beside this file: the peer's canned queries and its URLs

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SERVER = "postgres://postgres@127.0.0.1:5432"
PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "rcp_bench")  # another name keeps two runs' databases apart
CACHE = ROOT / "var" / "bench"
DATASETTE_VENV = CACHE / "datasette-venv"  # made by bench/run, with the Datasette version it pins
ENDPOINTS = [  # (label, path)
    ("mechanism detail (bali-process)", "/api/v1/mechanisms/bali-process/"),
    ("state detail (THA)", "/api/v1/states/THA/"),
    ("mechanisms list, 100 with participations", "/api/v1/mechanisms/?page_size=100"),
    ("meetings list, year=2012", "/api/v1/meetings/?year=2012&page_size=100"),
]
LIST_ENDPOINTS = {"mechanisms list, 100 with participations", "meetings list, year=2012"}
ROUNDS, PER_ROUND, WARM_UP = 7, 15, 2
# With the server-side cache off, Redis still holds the API's throttle counters, as in production
# (docs/scaling.md); without it they would be counted in a database table, a write per request.
UNCACHED_REDIS = "redis://127.0.0.1:6379/6"
TARGET_RAW, AIM_RAW_LISTS, TARGET_DATASETTE = 2.0, 1.3, 1.0


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def env(database, **extra):
    return {
        **os.environ, "DATABASE_URL": f"{SERVER}/{database}", "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0", "DEBUG": "0",
        "API_THROTTLE_RATE": "1000000/s", **extra,
    }


def manage(database, *args, **extra):
    started = time.monotonic()
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env(database, **extra), check=True,
                   stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def measured(database, *args):
    """Run a manage.py command under /usr/bin/time: (seconds, peak resident MB)."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", PYTHON, "manage.py", *args], cwd=ROOT,
                            env=env(database), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode:  # its own message, which the pipe would otherwise swallow
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    seconds, kilobytes = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kilobytes) / 1024


def database_name(scale):
    return f"{PREFIX}_x{scale}"


def create_database(scale, template=None):
    """The 2013 dataset plus synthetic data up to ``scale``; from a copy of ``template`` (x1) when given."""
    database = database_name(scale)
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=True)
    if template:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "-T", template, database], check=True)
    else:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
        manage(database, "migrate", "--noinput")
        manage(database, "ensure_curator")
        manage(database, "import_dataset", "fixtures", "--user", "curator", "--reason", "Benchmark")
    seconds = 0.0
    if scale > 1:
        seconds = manage(database, "generate_synthetic", "--scale", str(scale - 1), "--seed", "1", "--quiet")
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-d", database, "-c", "VACUUM ANALYZE"],
                   check=True)
    return seconds


def free_port():
    """A loopback port no one listens on now, so that two runs on one machine never measure each other."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A server on loopback: gunicorn serving the site or the baseline app, or uvicorn serving Datasette."""

    def __init__(self, command, environment, probe="/api/v1/"):
        self.port = free_port()
        command = [part.replace("{port}", str(self.port)) for part in command]
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)
        for _ in range(150):
            if self.process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {self.process.returncode}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", probe, headers={"Host": "127.0.0.1"})
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{command[0]} on {self.port} did not start")

    @classmethod
    def gunicorn(cls, app, database, chdir=ROOT, **extra):
        return cls([GUNICORN, app, "--bind", "127.0.0.1:{port}", "--workers", "2", "--chdir", str(chdir),
                    "--log-level", "warning", "--access-logfile", "/dev/null"], env(database, **extra))

    @classmethod
    def site(cls, database, **extra):
        return cls.gunicorn("config.wsgi:application", database, **extra)

    @classmethod
    def baseline(cls, database):
        return cls.gunicorn("baseline:app", database, chdir=ROOT / "bench",
                            BASELINE_DATABASE_URL=f"{SERVER}/{database}")

    @classmethod
    def datasette(cls, sqlite_file):
        """Datasette as uvicorn serves an ASGI app in production: 2 worker processes, like gunicorn's 2 workers."""
        return cls([str(DATASETTE_VENV / "bin" / "uvicorn"), "--app-dir", str(ROOT / "bench"), "datasette_app:app",
                    "--host", "127.0.0.1", "--port", "{port}", "--workers", "2", "--log-level", "warning",
                    "--no-access-log"], {**os.environ, "RCP_DATASETTE_DB": str(sqlite_file)}, probe="/-/versions.json")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def get(connection, path, headers=None):
    connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    if response.status not in {200, 304}:
        raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
    return body


def latencies(port, path, count, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    times, body = [], b""
    for index in range(count + 3):  # the first three warm each worker up
        started = time.perf_counter()
        body = get(connection, path, headers)
        if index >= 3:
            times.append((time.perf_counter() - started) * 1000)
    connection.close()
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))], "bytes": len(body)}


def in_process(database):
    """Query counts per endpoint, the 304 proof and the profile, from bench/in_process.py."""
    result = subprocess.run([PYTHON, "bench/in_process.py"], cwd=ROOT, env=env(database, REDIS_URL=UNCACHED_REDIS),
                            check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(result.stdout)


def wrk(port, path, seconds):
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: bench/run installs it with apt-get")
    output = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-H", "Host: 127.0.0.1",
                             f"http://127.0.0.1:{port}{path}"], check=True, stdout=subprocess.PIPE,
                            text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(\w+)", output)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    total = int(re.search(r"(\d+) requests in", output).group(1))
    return {"rps": rps, "p99_ms": p99_ms, "errors": errors, "requests": total}


def snapshot_package(database, scale):
    """A new snapshot of ``database``, its data package exported and loaded into SQLite: the SQLite file."""
    output = subprocess.run([PYTHON, "manage.py", "snapshot", "create", "--edition", "harns-2013", "--title",
                             "Benchmark", "--user", "curator"], cwd=ROOT, env=env(database), check=True,
                            stdout=subprocess.PIPE, text=True).stdout
    slug = re.search(r"Snapshot (\S+):", output).group(1)
    folder = CACHE / f"x{scale}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    archive = folder / "datapackage.zip"
    manage(database, "snapshot", "export", slug, "--format", "datapackage", "--output", str(archive))
    with zipfile.ZipFile(archive) as package:
        package.extractall(folder)
    sqlite_file = folder / "rcp.db"
    subprocess.run([str(DATASETTE_VENV / "bin" / "python"), "bench/datasette_db.py", str(folder / slug),
                    str(sqlite_file)], cwd=ROOT, check=True)
    return slug, sqlite_file


def same_answers(servers):
    """Each endpoint fetched from the three servers: (ours = raw, ours = Datasette), compared after parsing.

    The raw baseline is also compared in-process, key for key (in_process.py). Datasette answers its canned
    query's one row, {"document": ...}; the document is what is compared. The links are absolute URLs on
    both sides: the canned queries build them from the same base (http://127.0.0.1), so nothing is normalised.
    """
    found = {}
    for _, path in ENDPOINTS:
        answers = {}
        for name, server in servers.items():
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
            parts = urlsplit(path)
            asked = datasette_app.path_of(parts.path, parse_qs(parts.query)) if name == "datasette" else path
            answers[name] = json.loads(get(connection, asked))
            connection.close()
        answers["datasette"] = answers["datasette"][0]["document"]
        found[path] = {"raw": answers["ours"] == answers["raw"], "datasette": answers["ours"] == answers["datasette"]}
    return found


def interleaved(servers):
    """ROUNDS rounds; in each, per endpoint, PER_ROUND requests to each server after WARM_UP, the servers in an
    order that turns by one each round: ({path: {server: [every time (ms)]}}, {path: {server: [round medians]}}).

    Every request asks the server to close the connection: gunicorn's sync workers close it anyway, so each
    of the three servers pays one loopback connect per request (uvicorn would otherwise keep it alive)."""
    names = list(servers)
    paths = {}
    for _, path in ENDPOINTS:
        parts = urlsplit(path)
        paths[path] = {name: datasette_app.path_of(parts.path, parse_qs(parts.query)) if name == "datasette"
                       else path for name in names}
    times = {path: {name: [] for name in names} for path in paths}
    medians = {path: {name: [] for name in names} for path in paths}
    for round_ in range(ROUNDS):
        order = names[round_ % len(names):] + names[:round_ % len(names)]
        for path in paths:
            for name in order:
                these = []
                connection = http.client.HTTPConnection("127.0.0.1", servers[name].port, timeout=600)
                for index in range(WARM_UP + PER_ROUND):
                    started = time.perf_counter()
                    get(connection, paths[path][name], {"Connection": "close"})
                    if index >= WARM_UP:
                        these.append((time.perf_counter() - started) * 1000)
                connection.close()
                times[path][name] += these
                medians[path][name].append(statistics.median(these))
        log(f"round {round_ + 1} of {ROUNDS} done")
    return times, medians


def spread(ratios):
    return {"median": statistics.median(ratios), "low": min(ratios), "high": max(ratios)}


def bench_latency(scale):
    database = database_name(scale)
    slug, sqlite_file = snapshot_package(database, scale)
    counts = in_process(database)
    load = {"before": os.getloadavg()}
    servers = {"ours": Server.site(database, SERVER_CACHE_TIMEOUT="0", REDIS_URL=UNCACHED_REDIS),
               "raw": Server.baseline(database), "datasette": Server.datasette(sqlite_file)}
    try:
        same = same_answers(servers)
        log(f"x{scale} same JSON (raw, Datasette): " + ", ".join(
            f"{path} {answer['raw']}/{answer['datasette']}" for path, answer in same.items()))
        times, medians = interleaved(servers)
    finally:
        for server in servers.values():
            server.stop()
    load["after"] = os.getloadavg()
    rows = []
    for label, path in ENDPOINTS:
        row = {"scale": scale, "endpoint": label, "path": path, "queries": counts["queries"][path],
               "same_json_in_process": counts["same_json"].get(path), "same_json": same[path]}
        for name, values in times[path].items():
            values.sort()
            row[name] = {"p50": statistics.median(values), "p95": values[int(0.95 * (len(values) - 1))]}
        row["to_raw"] = spread([o / r for o, r in zip(medians[path]["ours"], medians[path]["raw"], strict=True)])
        row["to_datasette"] = spread([o / d for o, d in zip(medians[path]["ours"], medians[path]["datasette"],
                                                        strict=True)])
        rows.append(row)
        log(f"x{scale} {label}: ours {row['ours']['p50']:.1f} ms, raw {row['raw']['p50']:.1f} ms, "
            f"Datasette {row['datasette']['p50']:.1f} ms; ours/raw {row['to_raw']['median']:.2f}, "
            f"ours/Datasette {row['to_datasette']['median']:.2f}")
    return rows, counts, {"snapshot": slug, "load": load}


def datasette_version():
    return subprocess.run([str(DATASETTE_VENV / "bin" / "python"), "-c",
                           "import sqlite3, datasette.version as v; print(v.__version__, sqlite3.sqlite_version)"],
                          check=True, stdout=subprocess.PIPE, text=True).stdout.split()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="Keep the databases of a previous run.")
    parser.add_argument("--quick", action="store_true",
                        help="x1 and x10 instead of x1, x100 and x1000; short wrk runs; no import (under 10 minutes).")
    parser.add_argument("--no-x1000", action="store_true", help="Skip x1000 (its generation takes about 20 min).")
    parser.add_argument("--no-import", action="store_true", help="Skip the import at x100 (about 2 min).")
    options = parser.parse_args()
    large = 10 if options.quick else 100
    scales = [1, large] if options.quick or options.no_x1000 else [1, large, 1000]
    started = time.monotonic()
    generation = {}
    if not options.reuse:
        for scale in scales:
            log(f"building {database_name(scale)}")
            generation[scale] = create_database(scale, template=None if scale == 1 else database_name(1))
    results = {"generation": generation, "latency": [], "machine": machine(), "large": large,
               "quick": options.quick, "runs": {}}

    for scale in (1, large):
        rows, counts, run = bench_latency(scale)
        results["latency"] += rows
        results["runs"][scale] = run
        if scale == large:
            results["not_modified"] = counts["not_modified"]
            results["profile"] = counts["profile"]

    database, path = database_name(large), ENDPOINTS[2][1]
    seconds = 5 if options.quick else 30
    site = Server.site(database, SERVER_CACHE_TIMEOUT="0", REDIS_URL=UNCACHED_REDIS)
    try:
        log("wrk, server-side cache off")
        results["wrk_uncached"] = wrk(site.port, path, seconds)
    finally:
        site.stop()
    site = Server.site(database, REDIS_URL="redis://127.0.0.1:6379/5")
    try:
        log("wrk, server-side cache on (Redis)")
        results["wrk_cached"] = wrk(site.port, path, seconds)
        etag_probe = http.client.HTTPConnection("127.0.0.1", site.port)
        etag_probe.request("GET", path, headers={"Host": "127.0.0.1"})
        response = etag_probe.getresponse()
        response.read()
        etag = response.getheader("ETag")
        results["not_modified"]["http"] = latencies(site.port, path, 200, {"If-None-Match": etag})
        results["cached_hit"] = latencies(site.port, path, 200)
    finally:
        site.stop()

    results["snapshot"] = {}
    for scale in scales[1:]:
        log(f"snapshot at x{scale}")
        results["snapshot"][scale] = measured(database_name(scale), "snapshot", "create", "--edition", "harns-2013",
                                              "--title", "Benchmark", "--user", "curator")
    log(f"export and import at x{large}")
    folder = Path(tempfile.mkdtemp(prefix="rcp-bench-export-"))
    try:
        export = measured(database, "export_dataset", str(folder))
        create_empty = f"{PREFIX}_import"
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", create_empty], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", create_empty], check=True)
        manage(create_empty, "migrate", "--noinput")
        manage(create_empty, "ensure_curator")
        imported = (None if options.no_import or options.quick else
                    measured(create_empty, "import_dataset", str(folder), "--user", "curator", "--reason", "Benchmark"))
        results["export_import"] = {"export": export, "import": imported,
                                    "files": sum(1 for _ in folder.rglob("*.yaml"))}
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    results["minutes"] = (time.monotonic() - started) / 60
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench-latest.json").write_text(json.dumps(results, indent=1))
    print(report(results))


def machine():
    cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024 // 1024
    postgres = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
                              stdout=subprocess.PIPE, text=True).stdout.strip()
    datasette, sqlite = datasette_version()
    return {"cpu": cpu.group(1) if cpu else "?", "cores": os.cpu_count(), "memory_gb": memory,
            "python": sys.version.split()[0], "postgres": postgres, "datasette": datasette, "sqlite": sqlite}


def verdict(row):
    """The targets an endpoint misses, in words ("" when it meets them all)."""
    missed = []
    to_raw, to_datasette = row["to_raw"]["median"], row["to_datasette"]["median"]
    if to_raw > TARGET_RAW:
        missed.append(f"> {TARGET_RAW:g}x raw")
    elif row["endpoint"] in LIST_ENDPOINTS and to_raw > AIM_RAW_LISTS:
        missed.append(f"above the {AIM_RAW_LISTS:g}x aim")
    if to_datasette > TARGET_DATASETTE:
        missed.append(f"> {TARGET_DATASETTE:g}x Datasette")
    return "missed: " + ", ".join(missed) if missed else "met"


def report(r):
    m = r["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GiB; Python {m['python']}, "
        f"PostgreSQL {m['postgres']}; gunicorn 2 sync workers (site, raw); Datasette {m['datasette']} on SQLite "
        f"{m['sqlite']} under uvicorn, 2 workers; client and servers on loopback. Run took {r['minutes']:.1f} min.",
        "",
        f"Side by side, {ROUNDS} interleaved rounds of {PER_ROUND} requests per server and endpoint (after "
        f"{WARM_UP} warm-up requests each), server-side cache off. A ratio is the median of the per-round ratios "
        "of medians, [lowest-highest] round. Targets: at most 2x raw (lists aim at 1.3x), at most 1.0x Datasette.",
        "",
        "| scale | endpoint | ours p50 / p95 (ms) | raw p50 / p95 (ms) | Datasette p50 / p95 (ms) | ours ÷ raw | "
        "ours ÷ Datasette | targets | SQL queries | same JSON: raw / Datasette |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    def cell(row, name):
        return f"{row[name]['p50']:.1f} / {row[name]['p95']:.1f}"

    def ratio(row, key):
        return f"**{row[key]['median']:.2f}x** [{row[key]['low']:.2f}-{row[key]['high']:.2f}]"

    for row in r["latency"]:
        same = row["same_json"]
        raw_same = same["raw"] and row["same_json_in_process"]
        lines.append(
            f"| x{row['scale']} | {row['endpoint']} | {cell(row, 'ours')} | {cell(row, 'raw')} | "
            f"{cell(row, 'datasette')} | {ratio(row, 'to_raw')} | {ratio(row, 'to_datasette')} | {verdict(row)} | "
            f"{row['queries']} | "
            f"{'yes' if raw_same else 'NO'} / {'yes' if same['datasette'] else 'NO'} |")
    lines.append("")
    lines.append("Load average (1, 5, 15 min) before and after each side-by-side run: " + "; ".join(
        f"x{scale}: {' '.join(f'{v:.1f}' for v in run['load']['before'])} -> "
        f"{' '.join(f'{v:.1f}' for v in run['load']['after'])}" for scale, run in r["runs"].items()))
    large = r["large"]
    lines += ["", f"| throughput, mechanisms list at x{large}, wrk 16 connections | requests/s | errors | p99 (ms) |",
              "|---|---|---|---|"]
    for key, label in (("wrk_uncached", "server-side cache off (every answer built)"),
                       ("wrk_cached", "server-side cache on (Redis), same URL")):
        w = r[key]
        lines.append(f"| {label} | {w['rps']:.0f} | {w['errors']} of {w['requests']} | {w['p99_ms']:.1f} |")
    nm = r["not_modified"]
    lines += ["", f"| conditional GET (If-None-Match), mechanisms list at x{large} | p50 / p95 (ms) | proof |",
              "|---|---|---|",
              f"| 304 Not Modified | {nm['http']['p50']:.2f} / {nm['http']['p95']:.2f} | {nm['queries']} SQL query "
              f"(the data version), {nm['serializer_calls']} serializer or renderer calls, {nm['bytes']} body bytes |",
              f"| server-side cache hit (200) | {r['cached_hit']['p50']:.2f} / {r['cached_hit']['p95']:.2f} | |"]
    lines += ["", "| snapshot creation | time (s) | peak RSS (MB) |", "|---|---|---|"]
    for scale, (seconds, megabytes) in r["snapshot"].items():
        lines.append(f"| x{scale} | {seconds:.1f} | {megabytes:.0f} |")
    if len(r["snapshot"]) == 2:
        (s_large, _), (s1000, _) = r["snapshot"].values()
        lines.append(f"| x1000 / x{large} | {s1000 / s_large:.1f}x (target within 12x) | |")
    ei = r["export_import"]
    lines += ["", f"| dataset at x{large} | time (s) | peak RSS (MB) |", "|---|---|---|",
              f"| export ({ei['files']} files) | {ei['export'][0]:.1f} | {ei['export'][1]:.0f} |",
              (f"| import into an empty database | {ei['import'][0]:.1f} | {ei['import'][1]:.0f} |" if ei["import"]
               else "| import into an empty database | not measured (--quick or --no-import) | |")]
    if r["generation"]:
        lines += ["", "Synthetic data generation: " + ", ".join(
            f"x{scale} {seconds:.0f} s" for scale, seconds in r["generation"].items() if scale > 1)]
    lines += ["", f"Profile of the mechanisms list at x{large} (pyinstrument, server-side cache off):", "", "```",
              r["profile"].rstrip(), "```"]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

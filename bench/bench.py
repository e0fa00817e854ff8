"""The benchmark: the site behind gunicorn on PostgreSQL, against the raw psycopg baseline. Run it with bench/run.

Steps (each prints as it goes; the table comes last):
1. builds three PostgreSQL databases: x1 (the 2013 dataset), x100 and x1000 (plus synthetic data);
2. per scale x1 and x100, per endpoint: p50/p95 latency through gunicorn with the server-side cache off
   (every request builds its answer), the same for the baseline app, their ratio, the SQL queries;
3. throughput with wrk (16 connections, 30 s) on the mechanisms list at x100, cache off and on (Redis);
4. a conditional GET answered 304: its latency, and in-process proof that no serializer or renderer ran;
5. snapshot creation at x100 and x1000: time and peak resident memory; export and import at x100;
6. a profile (pyinstrument) of the mechanisms list at x100.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SERVER = "postgres://postgres@127.0.0.1:5432"
SITE_PORT, BASELINE_PORT = 8701, 8702
ENDPOINTS = [  # (label, path at x1, path at x100)
    ("mechanisms list, 100 with participations", "/api/v1/mechanisms/?page_size=100", None),
    ("mechanism detail", "/api/v1/mechanisms/bali-process/", None),
    ("state detail (FRA)", "/api/v1/states/FRA/", None),
    ("meetings list, year=2012", "/api/v1/meetings/?year=2012&page_size=100", None),
]
LIST_ENDPOINTS = {"mechanisms list, 100 with participations", "meetings list, year=2012"}


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
                            env=env(database), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    seconds, kilobytes = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kilobytes) / 1024


def create_database(database, scale):
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=True)
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


class Server:
    """gunicorn serving the site (or the baseline app) on loopback."""

    def __init__(self, app, port, database, chdir=ROOT, **extra):
        self.port = port
        command = [GUNICORN, app, "--bind", f"127.0.0.1:{port}", "--workers", "2", "--chdir", str(chdir),
                   "--log-level", "warning", "--access-logfile", "/dev/null"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env(database, **extra), start_new_session=True)
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/api/v1/")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn on {port} did not start")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def latencies(port, path, count, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    times, body = [], b""
    for index in range(count + 3):  # the first three warm each worker up
        started = time.perf_counter()
        connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        if response.status not in {200, 304}:
            raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
        if index >= 3:
            times.append((time.perf_counter() - started) * 1000)
    connection.close()
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))], "bytes": len(body)}


def in_process(database):
    """Query counts per endpoint, the 304 proof and the profile, from bench/in_process.py."""
    result = subprocess.run([PYTHON, "bench/in_process.py"], cwd=ROOT, env=env(database), check=True,
                            stdout=subprocess.PIPE, text=True)
    return json.loads(result.stdout)


def wrk(path, seconds):
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: bench/run installs it with apt-get")
    output = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-H", "Host: 127.0.0.1",
                             f"http://127.0.0.1:{SITE_PORT}{path}"], check=True, stdout=subprocess.PIPE,
                            text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(\w+)", output)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket.groups())) if socket else 0)
    total = int(re.search(r"(\d+) requests in", output).group(1))
    return {"rps": rps, "p99_ms": p99_ms, "errors": errors, "requests": total}


def bench_latency(database, scale, count):
    rows = []
    counts = in_process(database)
    site = Server("config.wsgi:application", SITE_PORT, database, SERVER_CACHE_TIMEOUT="0")
    baseline = Server("baseline:app", BASELINE_PORT, database, chdir=ROOT / "bench",
                      BASELINE_DATABASE_URL=f"{SERVER}/{database}")
    try:
        for label, path, _ in ENDPOINTS:
            ours = latencies(SITE_PORT, path, count)
            raw = latencies(BASELINE_PORT, path, count)
            rows.append({"scale": scale, "endpoint": label, "path": path, "ours": ours, "raw": raw,
                         "ratio": ours["p50"] / raw["p50"], "queries": counts["queries"][path],
                         "same_json": counts["same_json"].get(path)})
            log(f"x{scale} {label}: {ours['p50']:.1f} ms vs {raw['p50']:.1f} ms raw")
    finally:
        site.stop()
        baseline.stop()
    return rows, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="Keep the databases of a previous run.")
    parser.add_argument("--quick", action="store_true", help="Skip x1000 and shorten the wrk runs (a smoke test).")
    parser.add_argument("--no-x1000", action="store_true", help="Skip x1000 (its generation takes about 20 min).")
    parser.add_argument("--no-import", action="store_true", help="Skip the import at x100 (about 2 min).")
    options = parser.parse_args()
    scales = [1, 100] if options.quick or options.no_x1000 else [1, 100, 1000]
    generation = {}
    if not options.reuse:
        for scale in scales:
            log(f"building rcp_bench_x{scale}")
            generation[scale] = create_database(f"rcp_bench_x{scale}", scale)
    results = {"generation": generation, "latency": [], "machine": machine()}

    for scale, count in ((1, 200), (100, 100)):
        rows, counts = bench_latency(f"rcp_bench_x{scale}", scale, count)
        results["latency"] += rows
        if scale == 100:
            results["not_modified"] = counts["not_modified"]
            results["profile"] = counts["profile"]

    database, path = "rcp_bench_x100", ENDPOINTS[0][1]
    seconds = 5 if options.quick else 30
    site = Server("config.wsgi:application", SITE_PORT, database, SERVER_CACHE_TIMEOUT="0")
    try:
        log("wrk, server-side cache off")
        results["wrk_uncached"] = wrk(path, seconds)
    finally:
        site.stop()
    site = Server("config.wsgi:application", SITE_PORT, database, REDIS_URL="redis://127.0.0.1:6379/5")
    try:
        log("wrk, server-side cache on (Redis)")
        results["wrk_cached"] = wrk(path, seconds)
        etag_probe = http.client.HTTPConnection("127.0.0.1", SITE_PORT)
        etag_probe.request("GET", path, headers={"Host": "127.0.0.1"})
        response = etag_probe.getresponse()
        response.read()
        etag = response.getheader("ETag")
        results["not_modified"]["http"] = latencies(SITE_PORT, path, 200, {"If-None-Match": etag})
        results["cached_hit"] = latencies(SITE_PORT, path, 200)
    finally:
        site.stop()

    results["snapshot"] = {}
    for scale in scales[1:]:
        log(f"snapshot at x{scale}")
        results["snapshot"][scale] = measured(f"rcp_bench_x{scale}", "snapshot", "create", "--edition", "harns-2013",
                                              "--title", "Benchmark", "--user", "curator")
    log("export and import at x100")
    folder = Path(tempfile.mkdtemp(prefix="rcp-bench-export-"))
    try:
        export = measured("rcp_bench_x100", "export_dataset", str(folder))
        create_empty = "rcp_bench_import"
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", create_empty], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", create_empty], check=True)
        manage(create_empty, "migrate", "--noinput")
        manage(create_empty, "ensure_curator")
        imported = (None if options.no_import else
                    measured(create_empty, "import_dataset", str(folder), "--user", "curator", "--reason", "Benchmark"))
        results["export_import"] = {"export": export, "import": imported,
                                    "files": sum(1 for _ in folder.rglob("*.yaml"))}
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench-latest.json").write_text(json.dumps(results, indent=1))
    print(report(results))


def machine():
    cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024 // 1024
    postgres = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
                              stdout=subprocess.PIPE, text=True).stdout.strip()
    return {"cpu": cpu.group(1) if cpu else "?", "cores": os.cpu_count(), "memory_gb": memory,
            "python": sys.version.split()[0], "postgres": postgres}


def report(r):
    m = r["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GiB; Python {m['python']}, "
        f"PostgreSQL {m['postgres']}; gunicorn 2 sync workers; client and server on loopback.",
        "",
        "| scale | endpoint | ours p50 / p95 (ms) | raw psycopg p50 / p95 (ms) | ratio (p50) | SQL queries | "
        "same JSON | bytes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in r["latency"]:
        target = " (target 3x)" if row["endpoint"] in LIST_ENDPOINTS else ""
        lines.append(
            f"| x{row['scale']} | {row['endpoint']} | {row['ours']['p50']:.1f} / {row['ours']['p95']:.1f} | "
            f"{row['raw']['p50']:.1f} / {row['raw']['p95']:.1f} | **{row['ratio']:.1f}x**{target} | {row['queries']} | "
            f"{'yes' if row['same_json'] else 'NO'} | {row['ours']['bytes']:,} |")
    lines += ["", "| throughput, mechanisms list at x100, wrk 16 connections | requests/s | errors | p99 (ms) |",
              "|---|---|---|---|"]
    for key, label in (("wrk_uncached", "server-side cache off (every answer built)"),
                       ("wrk_cached", "server-side cache on (Redis), same URL")):
        w = r[key]
        lines.append(f"| {label} | {w['rps']:.0f} | {w['errors']} of {w['requests']} | {w['p99_ms']:.1f} |")
    nm = r["not_modified"]
    lines += ["", "| conditional GET (If-None-Match), mechanisms list at x100 | p50 / p95 (ms) | proof |",
              "|---|---|---|",
              f"| 304 Not Modified | {nm['http']['p50']:.2f} / {nm['http']['p95']:.2f} | {nm['queries']} SQL query "
              f"(the data version), {nm['serializer_calls']} serializer or renderer calls, {nm['bytes']} body bytes |",
              f"| server-side cache hit (200) | {r['cached_hit']['p50']:.2f} / {r['cached_hit']['p95']:.2f} | |"]
    lines += ["", "| snapshot creation | time (s) | peak RSS (MB) |", "|---|---|---|"]
    for scale, (seconds, megabytes) in r["snapshot"].items():
        lines.append(f"| x{scale} | {seconds:.1f} | {megabytes:.0f} |")
    if len(r["snapshot"]) == 2:
        (s100, _), (s1000, _) = r["snapshot"].values()
        lines.append(f"| x1000 / x100 | {s1000 / s100:.1f}x (target within 12x) | |")
    ei = r["export_import"]
    lines += ["", "| dataset at x100 | time (s) | peak RSS (MB) |", "|---|---|---|",
              f"| export ({ei['files']} files) | {ei['export'][0]:.1f} | {ei['export'][1]:.0f} |",
              (f"| import into an empty database | {ei['import'][0]:.1f} | {ei['import'][1]:.0f} |" if ei["import"]
               else "| import into an empty database | not measured (--no-import) | |")]
    if r["generation"]:
        lines += ["", "Synthetic data generation: " + ", ".join(
            f"x{scale} {seconds:.0f} s" for scale, seconds in r["generation"].items() if scale > 1)]
    lines += ["", "Profile of the mechanisms list at x100 (pyinstrument, server-side cache off):", "", "```",
              r["profile"].rstrip(), "```"]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""All the benchmarks in one run: a table of DESIGN.md's "Numbers to reach", PASS or MISS.

Usage: python bench/run.py [--quick] [--only NAME]

Runs each benchmark script of this folder in its own process (offscreen, no display needed),
echoes its output, then prints one table: every figure, its target, the baseline measured in
the same run where the target is a ratio or a comparison, and PASS/MISS. Every figure in the
table is measured in this run; where a figure stands in for another (--quick measures on
100,000 sessions instead of 1,000,000) the "measured on" column says so. The effort rows
(bench/effort.py) are issue 14's targets: actions an expert needs in the real window.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
FULL_SESSIONS = 1_000_000
QUICK_SESSIONS = 100_000
START_SESSIONS = 100_000


@dataclass(frozen=True)
class Row:
    figure: str
    measured: str
    target: str
    baseline: str
    passed: bool | None  # None: shown for information, DESIGN.md sets no target
    measured_on: str


@dataclass(frozen=True)
class Plan:
    quick: bool
    folder: Path

    @property
    def big(self) -> int:
        return QUICK_SESSIONS if self.quick else FULL_SESSIONS

    def db(self, sessions: int) -> Path:
        return self.folder / f"bench-{sessions}.sqlite3"


def run_script(name: str, arguments: list[str]) -> str:
    """Run bench/``name`` with ``arguments``, echoing and returning its standard output."""
    command = [sys.executable, str(BENCH / name), *arguments]
    print(f"\n### {name} {' '.join(arguments)}", flush=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, text=True, cwd=BENCH)
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        print("    " + line, end="", flush=True)
        lines.append(line)
    if process.wait() != 0:
        raise RuntimeError(f"{name} exited with status {process.returncode}")
    print(f"    ({time.perf_counter() - started:.0f} s)", flush=True)
    return "".join(lines)


def number(pattern: str, output: str) -> float:
    """The first group of ``pattern`` in ``output`` as a number (thousands commas dropped)."""
    found = re.search(pattern, output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"could not find /{pattern}/ in the benchmark's output")
    return float(found.group(1).replace(",", ""))


def storage_rows(plan: Plan) -> list[Row]:
    sizes = [str(QUICK_SESSIONS)] if plan.quick else [str(START_SESSIONS), str(FULL_SESSIONS)]
    output = run_script("storage_bench.py", ["--sizes", *sizes, "--dir", str(plan.folder)])
    big = output[output.index(f"== {plan.big:,} sessions") :]
    seconds = number(r"^demo-data: ([\d.]+) s,", big)
    per_million = number(r"1M sessions at this rate: (\d+) s", big)
    patients = number(r"^patient search \(([\d,]+) patients\)", big)
    median = number(r"^patient search .*: median ([\d.]+) ms", big)
    worst = number(r"worst ([\d.]+) ms per keystroke", big)
    signed_rate = number(
        r"^signed demo-data: [\d,]+ sessions in [\d.]+ s, ([\d,]+) sessions/s", output
    )
    unsigned_rate = number(r"^unsigned demo-data: .* s, ([\d,]+) sessions/s", output)
    signed_on = number(r"^signed demo-data: ([\d,]+) sessions", output)
    demo_on = (
        f"{plan.big:,} sessions in {seconds:.1f} s, scaled to 1M"
        if plan.quick
        else f"{plan.big:,} sessions"
    )
    return [
        Row(
            "generate demo data, 1M sessions",
            f"{per_million:.0f} s",
            "< 60 s",
            "",
            per_million < 60,
            demo_on,
        ),
        Row(
            "signed demo-data sessions/s",
            f"{signed_rate:,.0f} sessions/s",
            ">= 3,000 sessions/s",
            f"unsigned {unsigned_rate:,.0f} sessions/s",
            signed_rate >= 3_000,
            f"{signed_on:,.0f} sessions, fresh SQLite file",
        ),
        Row(
            "patient search per keystroke (worst of 9)",
            f"{worst:.2f} ms",
            "< 30 ms",
            f"median keystroke {median:.2f} ms",
            worst < 30,
            f"{patients:,.0f} patients" + (" (target: 100k)" if patients < 100_000 else ""),
        ),
    ]


def startup_rows(plan: Plan, repeats: int) -> list[Row]:
    start_db, big_db = plan.db(START_SESSIONS), plan.db(plan.big)
    arguments = ["--db", str(start_db), "--sessions", str(START_SESSIONS)]
    arguments += ["--repeats", str(repeats), "--db-1m", str(big_db)]
    output = run_script("startup_bench.py", arguments)
    bare_ms = number(r"^bare 40-widget form\s+(\d+) ms", output)
    bare_rss = number(r"^bare 40-widget form.*peak RSS\s+(\d+) MB", output)
    app_ms = number(rf"^tpi-desk, {re.escape(start_db.name)}\s+(\d+) ms", output)
    ratio = app_ms / bare_ms
    after_enter = number(r"^Enter to the main window \(typed for [\d.]+ s\):\s+(\d+) ms", output)
    signed_in = output[output.index("== signing in") :]
    at_once = number(r"^launch to the main window, Enter at once:\s+(\d+) ms", signed_in)
    window_rss = number(
        r"^launch to the main window, Enter at once:.*peak RSS\s+(\d+) MB", signed_in
    )
    million = output[output.index(f"== {big_db.name} ==") :]
    big_rss = number(r"^launch to the main window, Enter at once:.*peak RSS (\d+) MB", million)
    first = number(r"^open the session list \(first 200 rows\): first ([\d.]+) ms", output)
    warm = number(r"^open the session list .*then ([\d.]+) ms", output)
    held = number(r"^rows held by the list model:\s+([\d,]+)", output)
    growth = big_rss / window_rss
    big = f"{plan.big:,} sessions" + (" (target: 1M)" if plan.quick else "")
    on_start = f"{START_SESSIONS:,} sessions, median of {repeats}"
    return [
        Row(
            "cold start to the first window (sign in)",
            f"{app_ms:.0f} ms = {ratio:.2f}x",
            "<= 2.5x bare form",
            f"bare 40-widget form {bare_ms:.0f} ms",
            ratio <= 2.5,
            on_start,
        ),
        Row(
            "  then Enter to the main window",
            f"{after_enter:.0f} ms",
            "(no target)",
            "password typed in 1.5 s",
            None,
            on_start,
        ),
        Row(
            "  launch to main window, Enter at once",
            f"{at_once:.0f} ms = {at_once / bare_ms:.2f}x",
            "(no target: worst case)",
            f"bare 40-widget form {bare_ms:.0f} ms",
            None,
            on_start,
        ),
        Row(
            "open the session list: first rows",
            f"{first:.1f} ms (then {warm:.1f})",
            "< 100 ms",
            "",
            first < 100,
            big,
        ),
        Row(
            "session list memory vs table size",
            f"{held:,.0f} rows held; RSS {big_rss:.0f}/{window_rss:.0f} MB = {growth:.2f}x",
            "<= 400 rows held; RSS <= 1.10x",
            f"main window on {START_SESSIONS:,} sessions {window_rss:.0f} MB",
            held <= 400 and growth <= 1.10,
            big,
        ),
        Row(
            "peak RSS of the running app",
            f"{big_rss:.0f} MB",
            "< 250 MB",
            f"bare form {bare_rss:.0f} MB",
            big_rss < 250,
            big + ", main window and session list shown",
        ),
    ]


def note_pdf_rows(runs: int) -> list[Row]:
    output = run_script("note_pdf_bench.py", ["--runs", str(runs)])
    ours = number(r"^\s+ours\s+([\d.]+) ms", output)
    bare = number(r"^\s+bare \(binary streams, as ours\)\s+([\d.]+) ms", output)
    ratio = ours / bare
    return [
        Row(
            "one PDF note (TTF, body map, codes)",
            f"{ours:.1f} ms = {ratio:.2f}x",
            "< 25 ms and <= 2x bare",
            f"bare ReportLab {bare:.1f} ms",
            ours < 25 and ratio <= 2,
            f"single-site note, median of {runs}",
        )
    ]


def export_rows(runs: int) -> list[Row]:
    output = run_script("export_bench.py", ["--notes", "1000", "--runs", str(runs)])
    ours = r"^\s+ours \(DB \+ analysis \+ merged PDF \+ CSV\)\s+"
    bare = r"^\s+bare ReportLab \(same text, merged PDF\)\s+"
    seconds = number(ours + r"([\d.]+) s", output)
    rss = number(ours + r"[\d.]+ s\s+[\d.]+ s\s+(\d+) MiB", output)
    bare_seconds = number(bare + r"([\d.]+) s", output)
    bare_rss = number(bare + r"[\d.]+ s\s+[\d.]+ s\s+(\d+) MiB", output)
    ratio = number(r"ours / bare single-core ReportLab \(wall\): ([\d.]+)x", output)
    on = f"1,000 signed notes, median of {runs}"
    return [
        Row(
            "billing batch 1,000 notes vs bare single-core ReportLab",
            f"{ratio:.2f}x",
            "<= 1.0x (notes laid out on every core)",
            f"bare ReportLab {bare_seconds:.1f} s",
            ratio <= 1.0,
            on,
        ),
        Row(
            "billing batch 1,000 notes -> PDF + CSV",
            f"{seconds:.1f} s",
            "< 20 s (progress/cancel: UI, not timed)",
            f"bare ReportLab {bare_seconds:.1f} s",
            seconds < 20,
            on,
        ),
        Row(
            "peak RSS of the 1,000-note export",
            f"{rss:.0f} MB",
            "< 400 MB",
            f"bare ReportLab {bare_rss:.0f} MB",
            rss < 400,
            on,
        ),
    ]


def save_sign_rows(saves: int, signs: int) -> list[Row]:
    output = run_script("save_sign_bench.py", ["--saves", str(saves), "--signs", str(signs)])
    save = number(r"^save a two-site draft:\s+([\d.]+) ms", output)
    sign = number(r"^sign a note, production argon2id:\s+([\d.]+) ms", output)
    cheap = number(r"^sign a note, cheapest argon2id account:\s+([\d.]+) ms", output)
    verify = number(r"^argon2id verify alone \(production\):\s+([\d.]+) ms", output)
    first = number(r"^first signing after opening, production:\s+([\d.]+) ms", output)
    return [
        Row(
            "save a draft (two sites)",
            f"{save:.1f} ms",
            "< 30 ms",
            "",
            save < 30,
            f"SQLite file, median of {saves}",
        ),
        Row(
            # Issue 13: argon2id at the OWASP minimum (19 MiB x 2) plus the signing key's
            # unlock; its target, < 50 ms, replaces DESIGN.md's < 30 ms for this figure.
            "sign a note (argon2id 19 MiB + key)",
            f"{sign:.1f} ms",
            "< 50 ms",
            f"argon2 verify alone {verify:.1f} ms; sign with cheapest argon2 {cheap:.1f} ms; "
            f"the first signing after opening the database {first:.1f} ms",
            sign < 50,
            f"SQLite file, median of {signs} (the first signing: median of 5 openings)",
        ),
    ]


def verify_rows(sessions: int) -> list[Row]:
    """Ed25519-signed notes with two audit entries each (bench/verify_bench_data.py),
    scaled to 1M: 100,000 in a full run, where the workers' start-up (about 0.7 s) is a
    tenth of the time, as the checking itself is at 1M."""
    output = run_script("verify_bench.py", ["--sessions", str(sessions), "--runs", "1"])
    links = number(r"^verify: ([\d,]+) signatures", output)
    per_link = number(r"^  per signature: (\d+) us", output)
    # Scaled to 1M with the workers' start-up (once per run, whatever its size) counted once:
    # from 100,000 notes this gave 55 and 58 s where a real million took 55 s per 1M
    # (2026-12-07).
    scaled = number(
        r"^1M signatures at this rate, the workers' start-up counted once: (\d+) s", output
    )
    # From the CPU time, the workers' start-up (once per run) aside: the 1M run's own rate.
    steady = number(r"^1M signatures from the CPU time, start-up aside: (\d+) s", output)
    # The command as a user runs it (start, open, SQLite's file check, the run's audit entry):
    # its seconds on this file, since its fixed second or so would be scaled up too.
    command = number(r"^`tpi-desk verify` on this file: ([\d.]+) s", output)
    return [
        Row(
            # Issue 13 item 9: verify of 1M signatures and their audit entries.
            "verify per 1M signatures (+ audit)",
            f"{scaled:.0f} s",
            "< 60 s",
            f"{per_link:.0f} us per signature",
            scaled < 60,
            f"{links:,.0f} Ed25519-signed links + audit, scaled to 1M; "
            f"{steady:.0f} s from the CPU time on 2 cores, workers' start-up aside; "
            f"`tpi-desk verify` itself {command:.1f} s on these {links:,.0f}",
        )
    ]


def lot_search_rows(plan: Plan) -> list[Row]:
    """Issue 15: a lot recall over the big database (storage's, when it ran first)."""
    output = run_script("lot_search_bench.py", ["--db", str(plan.db(plan.big)), "--runs", "15"])
    sessions = number(r"^== ([\d,]+) sessions;", output)
    lines = number(r"busiest lot \S+: ([\d,]+) medication lines", output)
    wall = number(r"^lot search \(counts \+ newest 200 lines, audited\): ([\d.]+) ms", output)
    cpu = number(r"^lot search .* ms \(([\d.]+) ms CPU\)", output)
    load = number(r"^load average ([\d.]+) before", output)
    return [
        Row(
            "lot search (counts + newest 200 lines)",
            f"{wall:.1f} ms ({cpu:.1f} ms CPU)",
            "< 100 ms",
            f"load average {load:.2f}",
            wall < 100,
            f"{sessions:,.0f} sessions, busiest lot ({lines:,.0f} lines), median of 15"
            + (" (target: 1M)" if sessions < FULL_SESSIONS else ""),
        )
    ]


def patient_import_rows(runs: int) -> list[Row]:
    """Issue 15: a CSV of 10,000 patients imported (read, checked, written, audited)."""
    output = run_script("patient_import_bench.py", ["--patients", "10000", "--runs", str(runs)])
    wall = number(r"^import \(read \+ write, audited\): ([\d.]+) s", output)
    cpu = number(r"^import .* s \(([\d.]+) s CPU\)", output)
    load = number(r"^load average ([\d.]+) before", output)
    return [
        Row(
            "import 10,000 patients from a CSV",
            f"{wall:.1f} s ({cpu:.1f} s CPU)",
            "< 10 s (progress bar: CLI and dialog)",
            f"load average {load:.2f}",
            wall < 10,
            f"fresh SQLite file, best of {runs}",
        )
    ]


def effort_rows() -> list[Row]:
    """Issue 14's effort figures: actions an expert needs in the real window (not timed)."""
    output = run_script("effort.py", ["--json"])
    counts = json.loads(output.strip().splitlines()[-1])
    on = "real main window, QTest keys and clicks"
    tasks = (
        ("setup_actions", "setup: administrator, sign in, 2 accounts", 30),
        ("task_a_actions", "A. new patient + two-site TPI + sign", 40),
        ("task_b_actions", "B. returning patient, copy forward + sign", 10),
        ("task_c_actions", "C. billing: today's notes -> PDF + CSV", 3),
    )
    rows = [
        Row(
            f"effort {title}",
            f"{counts[key]} actions",
            f"<= {target} actions",
            "",
            counts[key] <= target,
            on,
        )
        for key, title, target in tasks
    ]
    rows.append(
        Row(
            "  effort: physician signs in / switch to billing",
            f"{counts['sign_in_actions']} / {counts['switch_user_actions']} actions",
            "(no target)",
            "",
            None,
            on,
        )
    )
    return rows


def benchmarks(plan: Plan) -> dict[str, Callable[[], list[Row]]]:
    quick = plan.quick
    return {
        "storage": lambda: storage_rows(plan),
        "startup": lambda: startup_rows(plan, 3 if quick else 5),
        "note_pdf": lambda: note_pdf_rows(20 if quick else 60),
        "export": lambda: export_rows(1 if quick else 3),
        "save_sign": lambda: save_sign_rows(20 if quick else 50, 10 if quick else 20),
        "verify": lambda: verify_rows(20_000 if quick else 100_000),
        "lot_search": lambda: lot_search_rows(plan),
        "patient_import": lambda: patient_import_rows(1 if quick else 3),
        "effort": effort_rows,
    }


def verdict(passed: bool | None) -> str:
    return {True: "PASS", False: "MISS", None: "info"}[passed]


def print_table(rows: list[Row], failures: list[str], quick: bool) -> None:
    headers = ("figure", "measured", "target", "baseline (same run)", "result", "measured on")
    cells = [
        (r.figure, r.measured, r.target, r.baseline or "-", verdict(r.passed), r.measured_on)
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [headers, *cells]) for i in range(len(headers))]
    mode = "--quick" if quick else "full"
    print(f"\n== Numbers to reach (DESIGN.md), all measured in this run ({mode}) ==")
    for row in [headers, tuple("-" * w for w in widths), *cells]:
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    for failure in failures:
        print(f"NOT MEASURED: {failure}")
    misses = sum(r.passed is False for r in rows)
    passes = sum(r.passed is True for r in rows)
    print(f"{passes + misses} targets: {passes} pass, {misses} miss; {os.cpu_count()} CPUs")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k sessions, fewer repeats")
    names = list(benchmarks(Plan(False, BENCH)))
    parser.add_argument("--only", choices=names, help="run one benchmark")
    parser.add_argument("--dir", type=Path, help="keep the databases here (default: temp)")
    args = parser.parse_args()
    rows: list[Row] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tpi-bench-") as scratch:
        plan = Plan(args.quick, args.dir or Path(scratch))
        plan.folder.mkdir(parents=True, exist_ok=True)
        for name, bench in benchmarks(plan).items():
            if args.only in (None, name):
                try:
                    rows += bench()
                except (RuntimeError, ValueError, KeyError) as error:
                    failures.append(f"{name}: {error}")
    print_table(rows, failures, args.quick)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

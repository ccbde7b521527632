"""The README's benchmark command keeps working: `make benchmark QUICK=1` measures every case and writes the JSON.

Figures are not asserted here (a test on a shared machine cannot time anything): only
that each case ran, answered 200 to every request, and gave its figures. The targets are
read from a full run (docs/benchmarks.md).

Needs PostgreSQL, Redis and wrk (the command installs Debian's package when run as root).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from harness.processes import clean_environment, tail
from harness.rendering import TEMPLATE_DIR
from harness.services import POSTGRESQL, REDIS, Tool
from test_docs_commands import claimed_blocks

# Its gunicorn servers and wrk runs are timed: one pytest-xdist worker, on its own as far as it goes.
pytestmark = pytest.mark.xdist_group("benchmarks")

WRK = Tool(("wrk",), "wrk")
BENCHMARK_TIMEOUT_SECONDS = 1500
WRK_CASES = [
    "empty",
    "header_jwt_stateless",
    "cookie_jwt",
    "database_lookup",
    "database_lookup_no_health_check",
    "empty_recycling_every_1000",
    *(
        f"client_{algorithm}_{case}"
        for algorithm in ("RS256", "EdDSA")
        for case in ("empty", "jwks", "verify_per_request")
    ),
]


def test_the_quick_benchmark_measures_every_case(tmp_path: Path):
    # The commands of docs/benchmarks.md: the full run, and the quick one that this test runs.
    blocks = claimed_blocks("test_benchmarks.py::test_the_quick_benchmark_measures_every_case")
    assert [block.commands() for block in blocks] == [["make benchmark", "make benchmark QUICK=1"]]
    POSTGRESQL.require()
    REDIS.require()
    if shutil.which("wrk") is None and shutil.which("apt-get") is None:
        WRK.require()
    output = tmp_path / "results.json"
    result = subprocess.run(
        ["make", "benchmark", "QUICK=1", f"BENCHMARK_OUTPUT={output}"],
        cwd=TEMPLATE_DIR,
        env=clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=BENCHMARK_TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, tail(result.stdout)
    results = json.loads(output.read_text())

    assert results["mode"] == "quick"
    assert results["machine"]["cpus"] >= 1
    assert sorted(results["cases"]) == sorted(WRK_CASES), "every wrk case must have run"
    for name, case in results["cases"].items():
        assert case["rounds"] == results["settings"]["rounds"], name
        assert case["rps_median"] > 0, name
        assert case["p99_ms_median"] >= case["p50_ms_median"] > 0, name
        if name not in ("empty", "client_RS256_empty", "client_EdDSA_empty"):
            assert case["ratio"] > 0, name
    for algorithm in ("RS256", "EdDSA"):
        assert results["cases"][f"client_{algorithm}_jwks"]["times_verify_per_request"] > 0

    login = results["login"]
    assert login["hashing"]["median_ms"] > 0
    assert login["login"]["median_ms"] > login["hashing"]["median_ms"] * 0.5
    assert login["sql_statements"] > 0
    register = results["register"]
    assert register["median_ms"] > 0
    assert register["emails_delivered"] == register["registrations"] > 0
    suite = results["render_and_suite"]
    assert suite["render_s"] > 0 and suite["suite_s"] > 0
    assert "passed" in suite["suite_summary"]

    assert {target["target"] for target in results["targets"]} >= {
        "header JWT stateless / empty view",
        "login SQL statements",
        "render + default suite, s",
    }, "a quick run reads every target from its figures, met or not"
    assert "Figures written to" in result.stdout

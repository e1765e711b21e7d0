"""bench/pages.py's figures and verdict: medians over rounds, ratios paired within a round, and
every goal of issue 12 checked. Synthetic timings, no server (running the bench is
`make bench-pages`' business)."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    sys.path.insert(0, str(ROOT / "bench"))  # it imports its sibling redis_outage
    try:
        spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "bench" / "pages.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_pages"] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "bench"))


def batches(bench: ModuleType, rates: list[float], cpu_ms: float) -> object:
    result = bench.Batches()
    for rate in rates:  # one-second batches
        result.add(round(rate), 1.0, cpu_ms * round(rate) / 1000)
    return result


def timings(bench: ModuleType, **changes: tuple[list[float], float]) -> dict:
    """Every page meeting its goals unless ``changes`` says otherwise: (rates, CPU ms)."""
    result = {}
    for name in {**bench.PAGES, **bench.SIGNED_IN}:
        hit = [600.0, 600.0, 600.0] if name in bench.SIGNED_IN else [1000.0, 1000.0, 1000.0]
        plan = {
            ("seed", "hit"): (hit, 1.0),
            ("seed", "bare"): ([1000.0, 1000.0, 1000.0], 0.8),
            ("seed", "miss"): ([150.0, 150.0, 150.0], 6.0),
            ("grown", "miss"): ([120.0, 120.0, 120.0], 7.0),
            ("grown", "hit"): (hit, 1.0),
        }
        for (data, variant), (rates, cpu) in plan.items():
            rates, cpu = changes.get(f"{data}_{name}_{variant}".replace("-", "_"), (rates, cpu))
            result[data, name, variant] = batches(bench, rates, cpu)
    return result


def counts(bench: ModuleType, grown_queries: int = 6, grown_bytes: int = 12_000) -> dict:
    pages = {**bench.PAGES, **bench.SIGNED_IN}
    return {
        "seed": {name: {"queries": 6, "bytes": 10_000} for name in pages},
        "grown": {name: {"queries": grown_queries, "bytes": grown_bytes} for name in pages},
    }


ARGS = argparse.Namespace(rounds=3, seconds=1.0, times=100)


def test_a_ratio_is_the_median_of_the_rounds_ratios(bench: ModuleType) -> None:
    # Round 2 ran in a slow spell for both: paired, it does not move the result.
    assert bench.ratio([900, 300, 950], [1000, 400, 1000]) == pytest.approx(0.9)
    assert bench.Batches().cpus == []
    measured = batches(bench, [100, 200, 150], 5.0)
    assert measured.rate == 150 and measured.cpu_ms == pytest.approx(5.0)


def test_pages_meeting_their_goals_pass(bench: ModuleType, capsys: pytest.CaptureFixture) -> None:
    assert bench.report("SQLite", ARGS, counts(bench), timings(bench), "{}") == []
    out = capsys.readouterr().out
    assert "| home | 1000 | 1000 | 1.00 | 1.00–1.00 |" in out
    assert "| home | 6 | 6 | 10,000 | 12,000 | 1.20 | 6.0 ms | 7.0 ms | 1.17 |" in out


def test_one_slow_round_does_not_decide_a_hit_ratio(bench: ModuleType) -> None:
    slow = timings(bench, seed_event_hit=([1000.0, 500.0, 1000.0], 1.0))
    assert bench.report("SQLite", ARGS, counts(bench), slow, "{}") == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"seed_event_hit": ([700.0, 700.0, 700.0], 1.0)}, "event: served at 0.70×"),
        ({"seed_espace_hit": ([250.0, 250.0, 250.0], 2.0)}, "espace (signed in): served at 0.25×"),
        ({"seed_projects_miss": ([100.0, 100.0, 100.0], 8.5)}, "projects: a miss costs 8.5 ms"),
        ({"grown_province_miss": ([90.0, 90.0, 90.0], 9.5)}, "province: at 100×, 1.20× the"),
    ],
)
def test_each_missed_goal_is_named(bench: ModuleType, changes: dict, expected: str) -> None:
    missed = bench.report("SQLite", ARGS, counts(bench), timings(bench, **changes), "{}")
    assert len(missed) == 1 and missed[0].startswith(expected), missed


def test_queries_and_bytes_at_100_times_are_checked(bench: ModuleType) -> None:
    missed = bench.report("SQLite", ARGS, counts(bench, grown_queries=7), timings(bench), "{}")
    assert len(missed) == len(bench.PAGES) + len(bench.SIGNED_IN)
    assert missed[0] == "home: 6 queries, 7 at 100× (goal ≤ 8, constant)"
    missed = bench.report("SQLite", ARGS, counts(bench, grown_bytes=16_000), timings(bench), "{}")
    assert missed[0] == "home: at 100×, 1.60× the bytes and 1.17× the CPU (goal ≤ 1.5)"


def test_a_signed_in_miss_has_no_cpu_goal(bench: ModuleType) -> None:
    slow = timings(bench, seed_espace_miss=([80.0, 80.0, 80.0], 11.0))
    slow["grown", "espace", "miss"] = batches(bench, [70.0, 70.0, 70.0], 12.0)
    assert bench.report("SQLite", ARGS, counts(bench), slow, "{}") == []

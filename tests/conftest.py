"""Shared fixtures, and the rule that in CI (PORTAL_TESTS_STRICT=1) no test may skip."""

import os

import pytest

STRICT = os.environ.get("PORTAL_TESTS_STRICT") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # A missing browser or service must fail CI rather than pass quietly as a skip.
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in strict mode (PORTAL_TESTS_STRICT=1): {reason}"

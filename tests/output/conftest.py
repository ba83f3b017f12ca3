"""Fixtures for the output tests: hand-built scan results (no importer or rules involved)."""

from __future__ import annotations

import pytest
from scan_fixtures import d, make_result

from naervaer_cli.result import ScanResult


@pytest.fixture
def result() -> ScanResult:
    return make_result()


@pytest.fixture
def result_with_case() -> ScanResult:
    return make_result(with_case=True)


@pytest.fixture
def empty_result() -> ScanResult:
    return ScanResult(
        as_of=d(20), window_days=28, policy="aas", setting="skole", pupils=(), pupils_scanned=64
    )

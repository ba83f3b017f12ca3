"""The committed samples are exactly what the deterministic generator writes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"

FILES = ("ist_fravaer.csv", "ist_fravaer.xlsx", "annen_leverandor.csv", "barnehage_tilstede.csv")


def test_generator_reproduces_the_committed_samples(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("sample_generate", SAMPLES / "generate.py")
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up in sys.modules while the module runs.
    monkeypatch.setitem(sys.modules, "sample_generate", module)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), name

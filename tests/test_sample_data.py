"""The committed samples are exactly what the deterministic generator writes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"

FILES = (
    "ist_fravaer.csv",
    "ist_fravaer.xlsx",
    "annen_leverandor.csv",
    "barnehage_tilstede.csv",
    # One per vendor vocabulary (issue 12); the XLSX with pinned zip and core timestamps.
    "ist_rapport.xlsx",
    "ist_oslo_timer.csv",
    "vis_fravaer.csv",
    "transponder_fravaer.csv",
    "vigilo_fravaer.csv",
    "flyt_fravaer.csv",
)


def test_generator_reproduces_the_committed_samples(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("sample_generate", SAMPLES / "generate.py")
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up in sys.modules while the module runs.
    monkeypatch.setitem(sys.modules, "sample_generate", module)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    # Every file the generator writes is committed and checked, and nothing else is written.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), name

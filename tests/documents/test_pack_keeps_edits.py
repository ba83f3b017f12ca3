"""Issue 13, item 9: a pack never overwrites a file someone edited since naervaer wrote it."""

from __future__ import annotations

from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "ist_fravaer.csv"


def _pack(cli, out: Path, *extra: str):
    return cli(
        "pack",
        "-v",
        "10229",
        "-i",
        SAMPLE,
        "-o",
        out,
        "-f",
        "md",
        "--meeting",
        "2026-11-23",
        *extra,
    )


def test_an_unchanged_file_is_replaced_an_edited_one_kept(cli, tmp_path: Path) -> None:
    target = tmp_path / "elev-10229.md"
    first = _pack(cli, tmp_path)
    assert (first.code, first.out, first.err) == (0, f"{target}\n", "")
    again = _pack(cli, tmp_path)  # nobody touched it: replaced, silently
    assert (again.code, again.out, again.err) == (0, f"{target}\n", "")

    target.write_text("Lærerens egne notater\n", encoding="utf-8")
    kept = _pack(cli, tmp_path)
    beside = tmp_path / "elev-10229-2.md"
    assert (kept.code, kept.out) == (0, f"{beside}\n")
    assert kept.err == (
        f"Merk: {target} er endret etter at naervaer skrev den, og er ikke overskrevet; de nye "
        f"dokumentene står i {beside}. Bruk --force for å erstatte den.\n"
    )
    assert target.read_text(encoding="utf-8") == "Lærerens egne notater\n"
    assert "Referat fra møte om nærvær" in beside.read_text(encoding="utf-8")

    forced = _pack(cli, tmp_path, "--force")
    assert (forced.code, forced.out, forced.err) == (0, f"{target}\n", "")
    assert "Referat fra møte om nærvær" in target.read_text(encoding="utf-8")


def test_a_file_naervaer_never_wrote_is_not_overwritten(cli, tmp_path: Path) -> None:
    (tmp_path / "elev-10229.md").write_text("Fra før\n", encoding="utf-8")
    run = _pack(cli, tmp_path)
    assert run.code == 0 and run.out == f"{tmp_path / 'elev-10229-2.md'}\n"
    assert (tmp_path / "elev-10229.md").read_text(encoding="utf-8") == "Fra før\n"

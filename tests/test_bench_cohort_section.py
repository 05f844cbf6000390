"""bench/RESULTS.md keeps the cohort figures (issue 12) when bench/run.py rewrites the rest."""

from __future__ import annotations

from bench.cohort_section import BEGIN, END, keep_section, section_of, with_section

SECTION = f"{BEGIN}\n## Scoring cohorts\n1,000,000 lesions\n{END}"


def test_a_section_is_appended_then_replaced_in_place():
    text = with_section("# Benchmark\n\nfigures\n", SECTION)
    assert text.endswith(SECTION + "\n") and text.startswith("# Benchmark\n\nfigures\n")
    newer = SECTION.replace("1,000,000", "2,000,000")
    again = with_section(text, newer)
    assert section_of(again) == newer and again.count(BEGIN) == 1
    assert with_section("plain", "") == "plain" and section_of("plain") == ""


def test_a_rewritten_file_keeps_the_section_it_held(tmp_path):
    path = tmp_path / "RESULTS.md"
    assert keep_section(path, "# new run\n") == "# new run\n"  # no file yet: nothing to keep
    path.write_text(with_section("# old run\n", SECTION))
    kept = keep_section(path, "# new run\n")
    assert kept.startswith("# new run\n") and section_of(kept) == SECTION

"""Hits you can cite: the quote (whole sentences), its time, and the episode's title and show."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

from podkb.ingest import ingest_paths
from podkb.search import SearchRequest, search
from podkb.store import Store


def hits(store, query=None, **kw):
    return search(store, SearchRequest(query=query, **kw)).hits


def test_every_hit_carries_what_a_citation_needs(seed_store):
    found = hits(seed_store, "managers", limit=20)
    assert found
    for h in found:
        for key in ("quote", "quote_start", "start_hms", "episode_title", "show"):
            assert key in h.row(), key
        assert "manag" in h.quote.lower()  # managers, or another form: managed
        assert h.quote in " ".join(h.text.split()) or "…" in h.quote
        assert "times" not in h.row()  # kept for quotes, not part of the record
    jeremy = next(h for h in found if h.speaker == "Jeremy Howard")
    assert jeremy.show == "Latent Space"
    assert jeremy.episode_title.startswith("AI Magic: Shipping 1000s")
    assert jeremy.start_hms == "00:11:58"


def test_the_quote_is_a_sentence_not_the_whole_turn(seed_store):
    # Jeremy's turn about managers is hundreds of words; the quote is the sentence with the word.
    found = hits(seed_store, "managers", speaker="Jeremy Howard", limit=20)
    longest = max(found, key=lambda h: len(h.text))
    assert len(longest.text) > 1000
    assert len(longest.quote) < 400
    assert longest.quote[0].isupper() and longest.quote.rstrip('"”').endswith((".", "?", "!"))
    s, e = longest.quote_matches[0]
    assert longest.quote[s:e].lower().startswith("manager")


def test_quote_start_is_the_cue_where_the_sentence_starts(tmp_path):
    srt = tmp_path / "talk.srt"
    srt.write_text(
        "1\n00:00:01,000 --> 00:00:04,000\nWelcome back to the show, everyone who is listening, and\n\n"
        "2\n00:00:04,000 --> 00:00:08,000\nthanks for coming. Today we look at how evaluation works\n\n"
        "3\n00:00:08,000 --> 00:00:11,000\nin practice for small weather stations.\n",
        encoding="utf-8",
    )
    with Store(tmp_path / "kb.db") as store:
        ingest_paths([srt], store)
        (hit,) = hits(store, "evaluation")
    assert hit.start == 1.0
    assert (
        hit.quote == "Today we look at how evaluation works in practice for small weather stations."
    )
    assert hit.quote_start == 4.0  # the cue in which "Today" stands, not the turn's start


def test_chinese_quotes_end_at_chinese_sentence_ends(seed_store):
    found = hits(seed_store, "評估", limit=5)
    assert found
    for h in found:
        assert "评估" in h.quote or "評估" in h.quote
        assert (
            h.quote.endswith(("。", "？", "！", "…"))
            or h.quote == " ".join(h.text.split())[-len(h.quote) :]
        )


def test_topic_hits_highlight_the_topic_keywords(seed_store):
    found = hits(seed_store, topic="evaluation", limit=10)
    assert found
    for h in found:
        marked = [h.snippet[s:e].lower() for s, e in h.matches]
        assert marked, h.snippet


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_hits_carry_the_citation_fields(run_cli, seed_db, fmt):
    code, out, _ = run_cli("search", "leaderboard", "--db", str(seed_db), "--format", fmt)
    assert code == 0
    records = json.loads(out) if fmt == "json" else [json.loads(x) for x in out.splitlines()]
    assert records[0]["show"] == "Humans of AI"
    assert records[0]["episode_title"] == "#16. Inside Hugging Face with Lewis Tunstall"
    assert "leaderboard" in records[0]["quote"]


def test_conformance_vtt_keeps_cue_times(tmp_path):
    with Store(tmp_path / "kb.db") as store:
        ingest_paths([FIXTURES / "conformance" / "transcript-example.vtt"], store)
        rows = [h for h in hits(store, speaker=None, lang="en", limit=50)]
    assert rows and all(h.quote_start is not None for h in rows)

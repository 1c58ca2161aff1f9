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


# --- the audio at the quote's moment -------------------------------------------------------------


@pytest.mark.parametrize(
    "audio_url, seconds, link",
    [
        ("https://h/ep.mp3", 83, "https://h/ep.mp3#t=83"),
        ("https://h/ep.mp3", 83.0, "https://h/ep.mp3#t=83"),  # whole seconds as an integer
        ("https://h/ep.mp3", 100.0, "https://h/ep.mp3#t=100"),  # ...keeping its own zeros
        ("https://h/ep.mp3", 0.0, "https://h/ep.mp3#t=0"),
        ("https://h/ep.mp3", 83.4, "https://h/ep.mp3#t=83.4"),
        ("https://h/ep.mp3", 83.25, "https://h/ep.mp3#t=83.25"),
        ("https://h/ep.mp3", 83.4567, "https://h/ep.mp3#t=83.457"),  # at most three decimals
        ("https://h/ep.mp3", -2.0, "https://h/ep.mp3#t=0"),  # never before the start
        ("https://h/ep.mp3#t=5", 9, "https://h/ep.mp3#t=9"),  # the feed's own fragment goes
        ("https://h/ep.mp3#a#b", 9, "https://h/ep.mp3#t=9"),
        ("https://h/ep.mp3", None, None),  # no time: no moment to link to
        (None, 9, None),
        ("", 9, None),
    ],
)
def test_the_audio_link_is_a_media_fragment_at_the_moment(audio_url, seconds, link):
    from podkb.search import audio_link

    assert audio_link(audio_url, seconds) == link


@pytest.fixture(scope="module")
def with_audio(tmp_path_factory):
    """The sidecar episode with its audio file named, and an untimed one without audio."""
    folder = tmp_path_factory.mktemp("audio")
    srt = folder / "episode.srt"
    srt.write_bytes((FIXTURES / "interchange" / "sidecar" / "episode.srt").read_bytes())
    (folder / "episode.yaml").write_text(
        'show: Field Notes\ntitle: "12: Small Weather Stations"\naudio: https://h/12.mp3\n'
    )
    (folder / "notes.txt").write_text("Ana: We use cheap sensors too.\nBen: Cheap ones work.\n")
    db = folder / "kb.db"
    with Store(db) as store:
        assert not ingest_paths([srt, folder / "notes.txt"], store).failed
    store = Store(db, create=False)
    yield store
    store.close()


def test_each_hit_links_to_its_own_episodes_audio_at_its_quote(with_audio):
    found = {h.episode_id: h for h in hits(with_audio, "cheap")}
    timed = found["12-small-weather-stations"]
    assert (timed.start, timed.quote_start) == (172.0, 172.0)
    assert timed.audio_url == "https://h/12.mp3#t=172"
    assert (timed.start_hms, timed.quote_start_hms) == ("00:02:52", "00:02:52")
    assert (timed.episode_title, timed.show) == ("12: Small Weather Stations", "Field Notes")
    untimed = found["notes"]
    assert untimed.audio_url is None  # neither an audio file nor a time
    assert (untimed.start_hms, untimed.quote_start_hms) == (None, None)
    assert untimed.episode_title is None and untimed.show is None


# --- a corrected query ---------------------------------------------------------------------------


def test_a_query_with_hits_is_answered_as_asked(seed_store):
    from podkb.search import search_or_correct

    asked = SearchRequest(query="leaderboard")
    result = search_or_correct(seed_store, asked)
    assert result.note is None
    assert [h.turn for h in result.hits] == [h.turn for h in hits(seed_store, "leaderboard")]


def test_a_misspelt_query_is_answered_by_its_correction_with_a_note(seed_store):
    from podkb.search import search_or_correct

    result = search_or_correct(seed_store, SearchRequest(query="leaderbaord"))
    assert result.note == "no results for 'leaderbaord'; showing results for 'leaderboard'"
    expected = [(h.episode_id, h.turn) for h in hits(seed_store, "leaderboard")]
    assert [(h.episode_id, h.turn) for h in result.hits] == expected


def test_nothing_close_gives_no_hits_and_no_note(seed_store):
    from podkb.search import search_or_correct

    result = search_or_correct(seed_store, SearchRequest(query="zyzzyvas"))
    assert (result.hits, result.note, result.suggestion) == ([], None, None)


def test_the_audio_link_is_at_the_quotes_cue_not_the_turns_start(tmp_path):
    # One turn over two cues: the sentence with "sensors" starts at the second cue, 14 s.
    srt = tmp_path / "ep.srt"
    srt.write_text(
        "1\n00:00:10,000 --> 00:00:14,000\nAna: We begin with the weather today.\n\n"
        "2\n00:00:14,000 --> 00:00:18,000\nThen we test cheap sensors.\n\n"
        "3\n00:00:18,000 --> 00:00:20,000\nBen: Sounds good.\n"
    )
    (tmp_path / "ep.yaml").write_text("audio: https://h/ep.mp3\n")
    with Store(tmp_path / "kb.db") as store:
        assert not ingest_paths([srt], store).failed
        (hit,) = hits(store, "sensors")
    assert (hit.start, hit.quote_start) == (10.0, 14.0)
    assert hit.audio_url == "https://h/ep.mp3#t=14"
    assert (hit.start_hms, hit.quote_start_hms) == ("00:00:10", "00:00:14")

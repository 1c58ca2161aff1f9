"""The store's records: every row a store hands out is a named record, the same on both engines,
and both engines migrate an older schema through the one runner (store/migrations.py)."""

from __future__ import annotations

import dataclasses
import typing

import pytest
from conftest import SEEDS

from podkb.ingest import ingest_paths
from podkb.models import Turn
from podkb.results import Hit
from podkb.schemas import model_of
from podkb.search import SearchRequest, search
from podkb.store import TURN_COLUMNS, open_store, postgres
from podkb.store.records import FileEpisode, TurnHit, TurnRecord, TurnRow

EPISODE = "humans-of-ai-16-lewis-tunstall"


def _names(record) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(record))


def test_a_turn_record_is_the_turn_columns_then_its_times():
    assert _names(TurnRecord) == (*TURN_COLUMNS, "times")
    assert _names(TurnHit) == (*TURN_COLUMNS, "score", "times")


def test_a_turns_fields_are_declared_once():
    """TurnRow declares a turn's fields; the store's records, the hit and the schema's models
    inherit them (a new field is one line), and the ingest's pydantic Turn, which validates
    what readers make, has the same fields: a field added to one and not the other fails."""
    assert TURN_COLUMNS == _names(TurnRow)
    for record in (TurnRecord, TurnHit, Hit):
        assert issubclass(record, TurnRow) and _names(record)[: len(TURN_COLUMNS)] == TURN_COLUMNS
        own = record.__dict__.get("__annotations__", {})
        assert not set(own) & set(TURN_COLUMNS), f"{record.__name__} spells out a turn's fields"
    assert tuple(name for name in Turn.model_fields if name != "times") == TURN_COLUMNS
    assert tuple(model_of(TurnRow).model_fields) == TURN_COLUMNS
    hints = typing.get_type_hints(TurnRow)
    for name in TURN_COLUMNS:
        declared = Turn.model_fields[name].annotation
        assert declared == hints[name] or name == "role", name  # Turn's role: the Literal


def test_lookups_answer_named_records(seed_store):
    source = seed_store.episode_source(EPISODE)
    assert source.source_path and source.source_path.endswith(".txt") and source.format
    (read,) = seed_store.episodes_from(source.source_path)
    assert isinstance(read, FileEpisode) and read.episode_id == EPISODE
    assert read.source_sha256 == source.source_sha256 and read.inputs_sha256
    assert seed_store.episode_source("no-such-episode") == (None, None, None)
    cited = seed_store.episode_title_show(EPISODE)
    assert cited is not None and cited.show == "Humans of AI"
    assert {p.episode_id for p in seed_store.source_paths()} == set(seed_store.episode_ids())
    assert ("Lewis Tunstall", "Lewis Tunstall") in {
        (pair.speaker, pair.label) for pair in seed_store.speaker_label_pairs()
    }
    terms = seed_store.body_terms(starting_with="leaderb")
    assert terms and all(t.term.startswith("leaderb") and t.turns > 0 for t in terms)


def test_turn_records_are_read_by_name_and_carry_times_only_when_asked(seed_store):
    plain = list(seed_store.iter_turn_rows(episode_id=EPISODE))
    timed = list(seed_store.iter_turn_rows(episode_id=EPISODE, with_times=True))
    assert [t.turn for t in plain] == sorted(t.turn for t in plain)
    assert all(t.times is None for t in plain) and all(t.times is not None for t in timed)
    assert [t.fields() for t in plain] == [t.fields() for t in timed]
    assert list(plain[0].fields()) == list(TURN_COLUMNS)
    around = seed_store.context_turns(EPISODE, plain[5].turn, 1)
    assert [t.turn for t in around] == [plain[4].turn, plain[6].turn]


def test_search_hits_are_hit_records_from_the_stores_turn_hits(seed_store):
    found = seed_store.search_turns(search_query(seed_store, "leaderboard"))
    assert found and all(isinstance(h, TurnHit) and h.score > 0 for h in found)
    hits = search(seed_store, SearchRequest(query="leaderboard")).hits
    assert hits and all(isinstance(h, Hit) for h in hits)
    assert [(h.episode_id, h.turn, h.score) for h in hits] == [
        (t.episode_id, t.turn, t.score) for t in found[: len(hits)]
    ]
    assert all(h.citation == h.cite() and h.speaker and h.speaker in h.citation for h in hits)


def search_query(store, text):
    from podkb.query import parse_query
    from podkb.search import ResolvedFilter

    return ResolvedFilter().turn_query(parse_query(text), limit=10)


def test_speaker_names_are_remembered_by_name_on_each_engine(tmp_path, request):
    for location in (str(tmp_path / "kb.db"), request.getfixturevalue("new_pg_database")()):
        with open_store(location) as store, store.transaction():
            store.remember_speaker_names("/x.txt", {"A": ("Ana Lopez", "host")})
            store.remember_speaker_names(
                "/x.txt", {"A": ("Ana López", "guest"), "B": ("Bo", "guest")}
            )
            names = store.speaker_names_for("/x.txt")
        assert names["A"].name == "Ana López" and names["A"].role == "guest", location
        assert names["B"] == ("Bo", "guest")


# --- PostgreSQL stores of older schemas, migrated by the shared runner -------------------------

# What each older PostgreSQL schema lacked of the next one (undone here to make such a store).
_UNDO_PG = {
    5: ["DROP TABLE impact_rest", "DROP TABLE impact_postings", "DROP TABLE impact_terms"],
    4: [
        "DROP TABLE feed_items",
        "DROP TABLE feeds",
        "ALTER TABLE episodes DROP COLUMN audio_url, DROP COLUMN link, DROP COLUMN duration",
    ],
    2: [
        "ALTER TABLE episodes DROP COLUMN inputs_sha256, DROP COLUMN source_stat",
        "DROP INDEX turns_stems",
        "ALTER TABLE turns DROP COLUMN stems, DROP COLUMN times",
    ],
    1: ["DROP TABLE speaker_names"],
}


@pytest.mark.parametrize("version", [5, 4, 2, 1])
def test_an_older_postgresql_schema_is_migrated_on_open(new_pg_database, version):
    import psycopg

    url = new_pg_database()
    with open_store(url) as store:
        assert not ingest_paths([SEEDS / "000_084d43b1bddc1ac0.txt"], store).failed
        before = search(store, SearchRequest(query="evaluating")).hits
        assert before  # found through the stems column, which schema 3 added
    with psycopg.connect(url, autocommit=True) as conn:
        for undone in sorted(v for v in _UNDO_PG if v >= version):
            for statement in _UNDO_PG[undone]:
                conn.execute(statement)
        conn.execute("UPDATE meta SET value=%s WHERE key='schema_version'", (str(version),))
    with open_store(url) as store:
        assert [
            (h.episode_id, h.turn) for h in search(store, SearchRequest(query="evaluating")).hits
        ] == [(h.episode_id, h.turn) for h in before]
        assert store.feeds() == []
        assert store.episodes_from(store.episode_source(EPISODE).source_path or "")
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        assert row is not None and row[0] == str(postgres.SCHEMA_VERSION)

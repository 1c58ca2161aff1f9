"""How a store of an older schema becomes the current one: each engine's steps, as data.

A step (common.Step) says what one schema version adds (columns, tables and indexes, each
written in its engine's SQL) and what must be derived again afterwards; `SQLStore.migrate` runs
the steps inside the engine's transaction, the same way on both engines. A new schema version
is one step in each engine's table here, and its SCHEMA_VERSION in the engine's module.
"""

from __future__ import annotations

from .common import FEED_TABLES, TURNS_FILTERS_INDEX, Column, Step
from .impacts import SCHEMA as IMPACTS_SCHEMA
from .pg_impacts import SCHEMA as PG_IMPACTS_SCHEMA

# version -> the step to version + 1
SQLITE_STEPS: dict[int, Step] = {
    1: Step(
        columns=(Column("turns", "words", "INTEGER NOT NULL DEFAULT 0"),),
        statements="CREATE TABLE IF NOT EXISTS speaker_labels (speaker TEXT NOT NULL, label TEXT,"
        " turns INTEGER NOT NULL, PRIMARY KEY (speaker, label))",
        count_words=True,
        refresh_summaries=True,
    ),
    2: Step(
        statements="CREATE TABLE IF NOT EXISTS speaker_names (source TEXT NOT NULL,"
        " label TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (source, label))"
    ),
    # Schema 4: per-turn times for quotes, and the stems column (the index is derived data:
    # rebuilt from the turns, nothing lost).
    3: Step(columns=(Column("turns", "times", "TEXT"),), rebuild_index=True),
    # Schema 5: what each episode was read with and the file's status (incremental ingest; NULL:
    # the next ingest reads each file once more and records them), episodes found by file.
    4: Step(
        columns=(
            Column("episodes", "inputs_sha256", "TEXT"),
            Column("episodes", "source_stat", "TEXT"),
        ),
        statements="CREATE INDEX IF NOT EXISTS episodes_source_path ON episodes(source_path)",
    ),
    # Schema 6: a contentless index (the same terms, without a copy of the text).
    5: Step(rebuild_index=True),
    # Schema 7: what a feed tells of an episode (audio, page, duration), and the subscriptions
    # with what is known of each feed item.
    6: Step(
        columns=(
            Column("episodes", "audio_url", "TEXT"),
            Column("episodes", "link", "TEXT"),
            Column("episodes", "duration", "REAL"),
        ),
        statements=FEED_TABLES,
    ),
    # Schema 8: impact lists beside the index (store/impacts.py), so a top 10 need not score
    # every match; SQLiteStore._migrate builds them from the turns once the tables exist.
    7: Step(statements=IMPACTS_SCHEMA),
    # Schema 9: the turns' language and role beside their ids, so a filtered page's count
    # reads a narrow index instead of every matching turn's row; the listed terms' turn counts.
    # The listed terms' turn counts (impacts.py), filled by SQLiteStore._migrate.
    8: Step(columns=(Column("impact_terms", "doc", "INTEGER"),), statements=TURNS_FILTERS_INDEX),
}

POSTGRES_STEPS: dict[int, Step] = {
    1: Step(
        statements="CREATE TABLE IF NOT EXISTS speaker_names (source text NOT NULL,"
        " label text NOT NULL, name text NOT NULL, role text NOT NULL, PRIMARY KEY (source, label))"
    ),
    # Schema 3: the stems column and per-turn times; every turn is analyzed again.
    2: Step(
        columns=(
            Column("turns", "stems", "tsvector NOT NULL DEFAULT ''::tsvector"),
            Column("turns", "times", "text"),
        ),
        statements="CREATE INDEX IF NOT EXISTS turns_stems ON turns USING gin (stems)",
        rebuild_index=True,
    ),
    # Schema 4: what incremental ingest compares (NULL: each file is read once more).
    3: Step(
        columns=(
            Column("episodes", "inputs_sha256", "text"),
            Column("episodes", "source_stat", "text"),
        )
    ),
    # Schema 5: what a feed tells of an episode, and the subscriptions.
    4: Step(
        columns=(
            Column("episodes", "audio_url", "text"),
            Column("episodes", "link", "text"),
            Column("episodes", "duration", "double precision"),
        ),
        statements=FEED_TABLES,
    ),
    # Schema 6: impact lists beside the GIN indexes (store/pg_impacts.py), so a top 10 need not
    # score every match; PostgresStore._migrate builds them from the turns once the tables exist.
    5: Step(statements=PG_IMPACTS_SCHEMA),
}

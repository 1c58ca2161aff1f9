"""The result records (podkb.results) are the JSON contract: every row the CLI writes for
search, quotes, batch, episodes and speakers has exactly their fields, in their order."""

from __future__ import annotations

import dataclasses
import json

import pytest

from podkb.results import Hit, Quote
from podkb.schemas import model_of
from podkb.summaries import EpisodeSummary, SpeakerSummary

HIT_KEYS = [f.name for f in dataclasses.fields(Hit) if f.name != "context"]


def _json(run_cli, db, *args):
    code, out, err = run_cli(*args, "--format", "json", "--db", str(db))
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize(
    "args",
    [
        ("search", "evaluation"),
        ("quotes", "Lewis Tunstall", "open source"),
        ("search", "-s", "Jeremy Howard"),
    ],
)
def test_a_hit_row_has_the_hit_records_fields_in_order(run_cli, seed_db, args):
    rows = _json(run_cli, seed_db, *args)
    assert rows and all(list(row) == HIT_KEYS for row in rows)


def test_context_is_a_field_only_when_asked_for(run_cli, seed_db):
    rows = _json(run_cli, seed_db, "search", "leaderboard", "-C", "1")
    assert all(list(row) == [*HIT_KEYS, "context"] for row in rows)
    assert set(rows[0]["context"]) == {"before", "after"}


def test_every_hit_carries_its_citation_line_as_cite_prints_it(run_cli, seed_db):
    rows = _json(run_cli, seed_db, "quotes", "Jeremy Howard", "hiring")
    code, out, _ = run_cli(
        "quotes", "Jeremy Howard", "hiring", "--format", "cite", "--db", str(seed_db)
    )
    assert code == 0
    assert out.splitlines() == [row["citation"] for row in rows]
    assert all(row["citation"] == Hit(**row).cite() for row in rows)
    assert rows[0]["citation"].endswith("(00:11:58)")


def test_a_batch_row_is_the_entrys_name_and_rank_then_the_hit(run_cli, seed_db, tmp_path):
    queries = tmp_path / "q.yaml"
    queries.write_text("- name: evals\n  query: evaluation\n", encoding="utf-8")
    code, out, err = run_cli("batch", str(queries), "--db", str(seed_db))
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert all(list(row) == ["name", "rank", *HIT_KEYS] for row in rows)


def test_episode_and_speaker_rows_have_their_records_fields(run_cli, seed_db):
    episodes = _json(run_cli, seed_db, "episodes")
    assert len(episodes) == 5 and all(
        list(e) == list(EpisodeSummary.model_fields) for e in episodes
    )
    speakers = _json(run_cli, seed_db, "speakers")
    assert speakers and all(list(s) == list(SpeakerSummary.model_fields) for s in speakers)


def test_a_hit_that_is_not_the_record_is_refused(run_cli, seed_db):
    """A field set on a hit but not declared on the record fails loudly, not silently: the
    record itself (search builds it) and its schema's model (what the MCP tools publish)."""
    from pydantic import ValidationError

    row = _json(run_cli, seed_db, "search", "evaluation")[0]
    with pytest.raises(TypeError, match="audio_link"):
        Hit(**row, audio_link="x")
    with pytest.raises(ValidationError, match="audio_link"):
        model_of(Hit).model_validate({**row, "audio_link": "x"})


@pytest.mark.parametrize(
    "args",
    [("search", "evaluation", "-C", "1"), ("quotes", "Lewis Tunstall"), ("search", "模型")],
)
def test_every_row_written_is_valid_against_the_published_schema(run_cli, seed_db, args):
    """The rows the CLI writes pass the generated models' validation, field for field: the
    dataclass and the schema cannot disagree on a field's name, type or presence."""
    rows = _json(run_cli, seed_db, *args)
    model = model_of(Quote if args[0] == "quotes" else Hit)
    assert rows and all(
        model.model_validate(row).model_dump(mode="json", exclude_unset=True) == row for row in rows
    )


def test_the_schemas_models_are_the_records_fields_with_their_descriptions():
    schema = model_of(Hit).model_json_schema()
    assert list(schema["properties"]) == [f.name for f in dataclasses.fields(Hit)]
    assert schema["title"] == "Hit" and schema["additionalProperties"] is False
    assert schema["properties"]["line"]["description"] == (
        "1-based source line where the turn starts"
    )
    assert "context" not in schema["required"]

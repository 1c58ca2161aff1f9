"""The curated metadata files (catalog.py), read by the library: the values each field refuses,
how a refusal names its place, and how the speaker register's names and aliases are looked up."""

from __future__ import annotations

from pathlib import Path

import pytest

from podkb.catalog import (
    CatalogFile,
    SpeakersFile,
    load_metadata,
    load_yaml_model,
    name_key,
)
from podkb.errors import InputError


def _refusal(tmp_path: Path, model, text: str | bytes) -> str:
    path = tmp_path / "meta.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(InputError) as refused:
        load_yaml_model(path, model)
    assert refused.value.path == str(path)
    return refused.value.message


@pytest.mark.parametrize(
    ("model", "text", "message"),
    [
        (
            CatalogFile,
            'episodes:\n  - source: a.txt\n    episode_id: "\\u200b "\n',
            "line 3: episodes.0.episode_id: an episode id must show a character "
            "(not only spaces or invisible ones)",
        ),
        (
            CatalogFile,
            'episodes:\n  - source: a.txt\n    hosts: [Maya, "\\u3164"]\n',
            "line 3: episodes.0.hosts: names must not be blank",
        ),
        (
            CatalogFile,
            'episodes:\n  - source: a.txt\n    speakers: {SPEAKER_00: "\\u2800"}\n',
            "line 3: episodes.0.speakers: names must not be blank",
        ),
        (
            CatalogFile,
            'episodes:\n  - source: a.txt\n    date: "2024-02-30"\n',
            "line 3: episodes.0.date: '2024-02-30' is not a date: write YYYY, YYYY-MM or "
            "YYYY-MM-DD",
        ),
        (
            SpeakersFile,
            'speakers:\n  - name: "\\t"\n',
            "line 2: speakers.0.name: a name must show a character (not only spaces or invisible "
            "ones)",
        ),
        (
            SpeakersFile,
            'speakers:\n  - name: Ada\n    aliases: [" "]\n',
            "line 3: speakers.0.aliases: aliases must not be blank",
        ),
    ],
)
def test_a_field_that_shows_nothing_or_no_calendar_date_is_refused_at_its_line(
    tmp_path, model, text, message
):
    assert _refusal(tmp_path, model, text) == message


def test_a_refusal_says_how_many_more_problems_the_file_has(tmp_path):
    text = "episodes:\n  - source: a.txt\n    hostz: [A]\n  - titel: B\n"
    # The second entry lacks its source and has a misspelt field: three problems in all.
    assert _refusal(tmp_path, CatalogFile, text) == (
        "line 3: episodes.0.hostz: Extra inputs are not permitted (and 2 more)"
    )


def test_a_plain_value_read_as_an_impossible_date_is_refused_with_how_to_quote_it(tmp_path):
    message = _refusal(
        tmp_path, CatalogFile, "episodes:\n  - source: a.txt\n    date: 2024-02-30\n"
    )
    assert message == (
        "invalid YAML: day is out of range for month (a value read as a date; quote it if it is "
        "text)"
    )


def test_a_folder_where_the_file_should_be_cannot_be_read(tmp_path):
    folder = tmp_path / "catalog.yaml"
    folder.mkdir()
    with pytest.raises(InputError) as refused:
        load_yaml_model(folder, CatalogFile)
    assert refused.value.message == "cannot read: Is a directory"
    assert refused.value.path == str(folder)


def test_a_list_as_a_mapping_key_is_refused_as_yaml_not_a_traceback(tmp_path):
    message = _refusal(tmp_path, CatalogFile, "episodes:\n  - ? [a, b]\n    : x\n")
    assert message == "line 2: invalid YAML: found unhashable key"


def test_a_byte_order_mark_and_an_empty_file_are_no_entries(tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_bytes(b"\xef\xbb\xbfepisodes:\n  - source: a.txt\n    title: Caf\xc3\xa9\n")
    parsed = load_yaml_model(path, CatalogFile)
    assert isinstance(parsed, CatalogFile)
    assert [(e.source, e.title) for e in parsed.episodes] == [("a.txt", "Café")]
    path.write_bytes(b"")
    assert load_yaml_model(path, CatalogFile) == CatalogFile()


# --- names: folding and the register ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Lewis Tunstall", "lewis tunstall"),
        ("  Lewis   TUNSTALL ", "lewis tunstall"),  # case and spacing
        ("José Valim", "jose valim"),  # accents
        ("Ｌｅｘ", "lex"),  # full-width letters
        ("約翰·史密斯", "约翰 史密斯"),  # Traditional Chinese and the middle dot of names
        ("ジョン・スミス", "ジョン スミス"),  # the katakana middle dot
    ],
)
def test_a_name_key_folds_case_width_accents_script_and_name_dots(name, key):
    assert name_key(name) == key


REGISTER = """speakers:
  - name: Ada Lovelace
    aliases: [Ada, "A. Lovelace"]
  - name: Charles Babbage
    aliases: [Charles, Ada]
"""


@pytest.fixture()
def metadata(tmp_path):
    (tmp_path / "speakers.yaml").write_text(REGISTER, encoding="utf-8")
    (tmp_path / "catalog.yaml").write_text(
        "episodes:\n  - source: one.txt\n    title: One\n", encoding="utf-8"
    )
    return load_metadata(tmp_path)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("ada lovelace", "Ada Lovelace"),
        ("A.  LOVELACE", "Ada Lovelace"),
        ("Ada", "Ada Lovelace"),  # an alias two speakers claim belongs to the first
        ("charles", "Charles Babbage"),
        ("Lovelace", None),  # no partial names
    ],
)
def test_the_register_maps_each_name_and_alias_folded_to_its_speaker(metadata, written, canonical):
    assert metadata.canonical(written) == canonical


def test_the_register_lists_a_speakers_names_and_knows_every_name_folded(metadata):
    assert metadata.aliases_of("Charles Babbage") == ["Charles Babbage", "Charles", "Ada"]
    assert metadata.aliases_of("Nobody Known") == ["Nobody Known"]
    assert metadata.register_names() == frozenset(
        {"ada lovelace", "ada", "a. lovelace", "charles babbage", "charles"}
    )


def test_the_catalog_is_keyed_by_source_file(metadata):
    entry = metadata.entry_for("one.txt")
    assert entry is not None and entry.title == "One"
    assert metadata.entry_for("two.txt") is None


def test_an_edit_to_the_register_changes_its_digest(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "speakers.yaml").write_text(REGISTER, encoding="utf-8")
    (tmp_path / "b" / "speakers.yaml").write_text(
        REGISTER.replace("[Charles, Ada]", "[Charles]"), encoding="utf-8"
    )
    first, second = load_metadata(tmp_path / "a"), load_metadata(tmp_path / "b")
    assert len(first.register_digest()) == 64
    assert first.register_digest() != second.register_digest()
    assert first.register_digest() == first.register_digest()


def test_a_folder_without_metadata_files_is_empty_metadata(tmp_path):
    meta = load_metadata(tmp_path)
    assert (meta.catalog, meta.speakers, meta.alias_index) == ({}, [], {})

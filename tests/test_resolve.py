"""Resolving speakers takes the catalog's and register's names in one step (`catalog_names`),
then reads only that record."""

from __future__ import annotations

from podkb.catalog import EpisodeFields, load_metadata
from podkb.ingest.raw import RawTranscript, RawTurn
from podkb.ingest.resolve import SpeakerResolver, build_records, catalog_names

REGISTER = """\
speakers:
  - name: Maya Lindqvist
    aliases: [Maya, mlind]
  - name: Tom Okafor
    aliases: [Tom]
"""


def _metadata(tmp_path):
    (tmp_path / "speakers.yaml").write_text(REGISTER, encoding="utf-8")
    return load_metadata(tmp_path)


def _raw(*labels: str) -> RawTranscript:
    turns = [RawTurn(text=f"Words number {i}.", line=i + 1, label=x) for i, x in enumerate(labels)]
    return RawTranscript(format="test", turns=turns)


def test_the_register_is_read_once_for_every_name_the_transcript_uses(tmp_path):
    metadata = _metadata(tmp_path)
    given = EpisodeFields(hosts=["maya"], speakers={"SPEAKER_01": "Tom"})
    names = catalog_names(metadata, given, _raw("mlind", "SPEAKER_01", "Someone Else"))
    assert names.hosts == ["Maya Lindqvist"]  # the entry's host, under the register's name
    assert names.given_names == {"speaker_01": "Tom Okafor"}
    assert names.canonical("MLIND") == "Maya Lindqvist"
    assert names.canonical("Someone Else") is None
    # The participant's aliases and first name point at her.
    assert names.participant_keys["maya"] == names.participant_keys["mlind"] == "Maya Lindqvist"


def test_a_resolver_resolves_from_the_names_alone(tmp_path):
    names = catalog_names(_metadata(tmp_path), EpisodeFields(guests=["Tom"]), _raw("Tom"))
    resolver = SpeakerResolver(names, full_text="Tom: hello")
    assert resolver.resolve("TOM") == ("Tom Okafor", "guest")
    assert resolver.resolve("mlind") == ("mlind", "unknown")  # a bare alias not in the text
    assert resolver.resolve("Host") == ("Host", "host")  # a role label says the role


def test_build_records_names_the_labels_a_person_gave_and_never_invents_a_speaker(tmp_path):
    from podkb.catalog import CatalogEntry

    raw = _raw("SPEAKER_00", None, "Tom")
    episode, turns, turn_of_raw = build_records(
        raw,
        source="field-notes-12.txt",
        metadata=_metadata(tmp_path),
        entry=CatalogEntry(source="field-notes-12.txt", speakers={"SPEAKER_00": "mlind"}),
        full_text="SPEAKER_00: ... Tom Okafor joins us ...",
    )
    assert [(t.speaker, t.speaker_label, t.line) for t in turns] == [
        ("Maya Lindqvist", "SPEAKER_00", 1),  # the alias a person gave, under its full name
        (None, None, 2),  # unlabeled: nobody is guessed
        ("Tom Okafor", "Tom", 3),  # a bare alias whose full name the transcript mentions
    ]
    assert turn_of_raw == [0, 1, 2]
    assert episode.episode_id == "field-notes-12" and episode.turns == 3

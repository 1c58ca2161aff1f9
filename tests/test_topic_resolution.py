"""What --topic resolves to (topics.py): a taxonomy topic by its name or an alias, else the
source chapters whose titles hold the words, else a refusal that suggests close names; and the
rows `podkb topics` lists, counted by hand on a small store with a taxonomy of its own."""

from __future__ import annotations

import pytest

from podkb.errors import UsageError
from podkb.ingest import ingest_paths
from podkb.store import Store
from podkb.topics import resolve_topic, taxonomy, topic_counts


@pytest.fixture()
def seeds(seed_db):
    with Store(seed_db, create=False) as store:
        yield store


@pytest.mark.parametrize("name", ["evaluation", "Evals", "BENCHMARKS", "評估", "评估", " evals "])
def test_a_taxonomy_topic_is_found_by_its_name_or_any_alias_folded(seeds, name):
    topic = resolve_topic(seeds, name)
    assert (topic.name, topic.kind, topic.chapters) == ("evaluation", "taxonomy", ())
    assert [(t.words, t.prefix) for t in topic.terms[:4]] == [
        (("evaluat",), True),
        (("benchmark",), True),
        (("leaderboard",), True),
        (("squad",), False),
    ]


def test_a_topic_keyword_of_two_words_is_a_phrase_and_a_chinese_one_is_never_a_prefix(seeds):
    terms = resolve_topic(seeds, "open-source").terms
    assert [(t.words, t.prefix) for t in terms[:3]] == [
        (("open", "source"), False),
        (("open", "source"), False),
        (("community",), False),
    ]
    assert [(t.words, t.prefix) for t in terms if t.words == ("开源",)] == [
        (("开源",), False),
        (("开源",), False),
    ]


@pytest.mark.parametrize(
    ("name", "chapters"),
    [
        ("intro", ("Intro by Suno AI",)),
        (
            "BAG OF WORDS",
            (
                "From Bag of Words to N-Grams: The Evolution of Language Understanding",
                "The Breakthrough of Continuous Bag of Words and Embeddings",
            ),
        ),
    ],
)
def test_a_name_no_topic_has_is_the_chapters_whose_titles_hold_it(seeds, name, chapters):
    topic = resolve_topic(seeds, name)
    assert (topic.name, topic.kind, topic.terms, topic.chapters) == (name, "chapter", (), chapters)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("xyzzy", "no topic 'xyzzy'; run `podkb topics` to list them"),
        ("robotz", "no topic 'robotz'; did you mean 'robotics'?"),
        (
            "evalution",
            "no topic 'evalution'; did you mean 'evaluation' or 'Diving into Language Models and "
            "Their Evolution' or 'From Bag of Words to N-Grams: The Evolution of Language "
            "Understanding'?",
        ),
    ],
)
def test_an_unknown_topic_is_refused_with_up_to_three_close_names(seeds, name, message):
    with pytest.raises(UsageError) as refused:
        resolve_topic(seeds, name)
    assert str(refused.value) == message


def test_a_blank_topic_matches_no_chapter(seeds):
    with pytest.raises(UsageError, match="^no topic ' '"):
        resolve_topic(seeds, " ")


# --- a taxonomy of one's own (PODKB_DATA) ------------------------------------------------------

TAXONOMY = """topics:
  - name: weather
    aliases: [meteorology]
    keywords: [rain*, "weather station"]
  - name: music
    keywords: [guitar]
"""


@pytest.fixture()
def small_store(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "topics.yaml").write_text(TAXONOMY, encoding="utf-8")
    monkeypatch.setenv("PODKB_DATA", str(data))
    folder = tmp_path / "episodes"
    folder.mkdir()
    (folder / "one.srt").write_text(
        "1\n00:00:00,000 --> 00:00:02,000\nMaya: It rained all day at the weather station.\n\n"
        "2\n00:00:02,000 --> 00:00:04,000\nTom: Rainfall is what we measure.\n\n"
        "3\n00:00:04,000 --> 00:00:06,000\nMaya: And then I played the guitar.\n",
        encoding="utf-8",
    )
    (folder / "two.txt").write_text(
        "Maya: Nothing about the sky here.\n\nTom: Only the rain, again.\n", encoding="utf-8"
    )
    with Store(tmp_path / "kb.db") as store:
        report = ingest_paths([folder], store)
        assert not report.failed, report.failed
        yield store


def test_a_user_taxonomy_replaces_the_packaged_one(small_store):
    assert [t.name for t in taxonomy()] == ["weather", "music"]
    assert resolve_topic(small_store, "Meteorology").name == "weather"


def test_topic_rows_count_the_turns_and_episodes_each_topic_matches(small_store):
    rows = topic_counts(small_store)
    # rain* finds "rained", "Rainfall" and "rain" (two episodes); guitar one turn of one.
    assert rows == [
        {"kind": "topic", "name": "weather", "aliases": ["meteorology"], "turns": 3, "episodes": 2},
        {"kind": "topic", "name": "music", "aliases": [], "turns": 1, "episodes": 1},
    ]


def test_a_folder_without_topics_yaml_has_no_taxonomy(tmp_path, monkeypatch, seeds):
    monkeypatch.setenv("PODKB_DATA", str(tmp_path))
    assert taxonomy() == ()
    # Then a topic name is looked for among the chapter titles only: none says "evaluation".
    with pytest.raises(UsageError, match="^no topic 'evaluation'"):
        resolve_topic(seeds, "evaluation")
    assert resolve_topic(seeds, "intro").kind == "chapter"


def test_seed_topic_rows_list_the_taxonomy_in_file_order_then_every_chapter(seeds):
    rows = topic_counts(seeds)
    kinds = [r["kind"] for r in rows]
    assert kinds == ["topic"] * len(taxonomy()) + ["chapter"] * (len(rows) - len(taxonomy()))
    assert [r["name"] for r in rows[: len(taxonomy())]] == [t.name for t in taxonomy()]
    first_chapter = rows[len(taxonomy())]
    assert first_chapter == {
        "kind": "chapter",
        "name": "Welcome to HockeyStick: Unveiling the Power of LLMs",
        "episode_id": "hockeystick-2-llms-in-production",
        "turns": 3,
        "start": 0.0,
    }
    assert len(rows) - len(taxonomy()) == len(seeds.chapter_titles())

"""Round trips: export, ingest the files again, and get the same speakers, texts and times.

jsonl carries the whole record, so everything comes back exactly. SRT, WebVTT and Podcasting
2.0 JSON carry one cue per turn: speakers and times come back exactly (times as written: a
turn without times gets the estimated ones, see export.cue_times), texts up to white space
(a subtitle cue has lines, not paragraphs), and chapters through the chapters file written
beside them.
"""

from __future__ import annotations

import re

import pytest
from conftest import FIXTURES, SEEDS
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from podkb.export import FILE_SUFFIXES, cue_times, export
from podkb.files import stable_names
from podkb.ingest import ingest_paths
from podkb.request import TurnFilter
from podkb.store import Store

SAMPLES = FIXTURES / "interchange"
CONFORMANCE = FIXTURES / "conformance"
STRUCTURED = ("jsonl", "srt", "vtt", "podcast-json")
EPISODES = 28  # 5 seeds, 18 samples, the sidecar sample, 4 conformance transcripts


@pytest.fixture(scope="module")
def source_db(tmp_path_factory):
    """The seeds, every hand-made sample and the conformance transcripts, in one store."""
    path = tmp_path_factory.mktemp("rt") / "source.db"
    inputs = [
        SEEDS,
        *sorted(p for p in SAMPLES.glob("*.*")),
        SAMPLES / "sidecar" / "episode.srt",
        *sorted(CONFORMANCE.glob("transcript-example.*")),
    ]
    with Store(path) as store:
        report = ingest_paths(inputs, store)
        assert not report.failed, report.failed
        assert len(report.ok) == EPISODES
    return path


def squash(text: str) -> str:
    """Text up to white space: runs of it as one space, none between two CJK characters."""
    text = " ".join(text.split())
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", text)


@pytest.mark.parametrize("fmt", STRUCTURED)
def test_export_then_ingest_gives_the_same_turns(source_db, tmp_path, fmt):
    out = tmp_path / fmt
    with Store(source_db, create=False) as original:
        # Subtitles give every cue a time: only episodes whose turns all have one go there.
        chosen = [e.episode_id for e in original.episodes() if fmt == "jsonl" or timed(original, e)]
        if fmt == "jsonl":
            report = export(original, fmt, out_dir=out)
        else:
            for episode_id in chosen:
                export(original, fmt, TurnFilter(episode=episode_id), out_dir=out)
        with Store(tmp_path / "again.db") as again:
            back = ingest_paths([out], again)
            assert not back.failed, back.failed
            by_file = {r.path.rsplit("/", 1)[-1]: r.episode_id for r in back.ok}
            names = stable_names(
                ((e.episode_id, None) for e in original.episodes()), FILE_SUFFIXES[fmt]
            )
            names = {e: n for e, n in names.items() if e in chosen}
            assert len(by_file) == len(names) == (EPISODES if fmt == "jsonl" else TIMED)
            checked = 0
            for episode_id, name in names.items():
                assert by_file[name] == episode_id  # the file names its episode
                before = original.turns(episode_id=episode_id)
                after = again.turns(episode_id=by_file[name])
                assert len(after) == len(before), name
                times = cue_times(
                    [r.fields() for r in original.iter_turn_rows(episode_id=episode_id)]
                )
                for a, b, (start, end) in zip(before, after, times, strict=True):
                    assert b.speaker == a.speaker, (name, a.turn)
                    assert b.role == a.role or fmt != "jsonl"
                    if fmt == "jsonl":
                        assert b.model_dump(exclude={"source", "line"}) == a.model_dump(
                            exclude={"source", "line"}
                        )
                    else:
                        assert squash(b.text) == squash(a.text), (name, a.turn)
                        assert (b.start, b.end) == (start, end), (name, a.turn)
                        assert b.chapter == a.chapter, (name, a.turn)
                        if a.start is not None:
                            assert b.start == round(a.start, 3)
                checked += len(before)
            assert checked == sum(1 for r in original.iter_turn_rows() if r.episode_id in chosen)
    assert fmt != "jsonl" or len(report.files) == EPISODES


TIMED = 17  # of the EPISODES, those whose every turn has a time


def timed(store, episode) -> bool:
    return all(r.start is not None for r in store.iter_turn_rows(episode_id=episode.episode_id))


@pytest.mark.parametrize("fmt", ["srt", "vtt", "podcast-json"])
def test_an_episode_without_times_is_refused_in_subtitles_never_given_invented_ones(
    source_db, tmp_path, fmt
):
    from podkb.errors import UsageError

    with Store(source_db, create=False) as original:
        with pytest.raises(UsageError, match="40 of 40 turns of humans-of-ai-16-lewis-tunstall"):
            export(original, fmt, TurnFilter(episode="humans-of-ai"), write=lambda _: None)
        with pytest.raises(UsageError, match="never invents"):
            export(original, fmt, out_dir=tmp_path / "o")
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


@pytest.mark.parametrize("fmt", ["vtt", "podcast-json"])
def test_subtitles_name_their_episode_and_podkb_reads_it_back(source_db, tmp_path, fmt):
    episode_id = "latent-space-jeremy-howard-answer-ai"
    with Store(source_db, create=False) as original:
        export(original, fmt, TurnFilter(episode=episode_id), out_dir=tmp_path / "o")
        before = original.episode(episode_id)
    with Store(tmp_path / "again.db") as again:
        [result] = ingest_paths([tmp_path / "o"], again).ok
        after = again.episode(result.episode_id)
    assert (after.episode_id, after.title, after.show) == (
        episode_id,
        before.title,
        before.show,
    )


def test_jsonl_round_trip_keeps_the_episode_id(source_db, tmp_path):
    with Store(source_db, create=False) as original:
        export(
            original,
            "jsonl",
            TurnFilter(episode="latent-space-jeremy-howard-answer-ai"),
            out_dir=tmp_path / "o",
        )
        with Store(tmp_path / "again.db") as again:
            [result] = ingest_paths([tmp_path / "o"], again).ok
            assert result.episode_id == "latent-space-jeremy-howard-answer-ai"
            ep = again.episode(result.episode_id)
            assert (ep.hosts, ep.guests) == (["Alessio Fanelli", "swyx"], ["Jeremy Howard"])


# --- property: any conversation survives the subtitle and JSON writers and readers -------------------

NAMES = ["Maya Chen", "Tom", "李明", "主持人", "SPEAKER_01", "Ana de la Cruz", None]
WORDS = st.sampled_from(
    [
        "we",
        "built",
        "twelve",
        "stations",
        "and",
        "they",
        "work",
        "Yes",
        "sensors",
        "播客",
        "人工智能",
        "rain",
        "&",
        "<it>",
        "a<b",
        "-->",
        "1.",
        "#",
        ":",
        "really?",
    ]
)


@st.composite
def conversations(draw):
    n = draw(st.integers(min_value=1, max_value=8))
    speakers: list[str | None] = []
    for _ in range(n):
        choices = [s for s in NAMES if not speakers or s != speakers[-1] or s is None]
        speakers.append(draw(st.sampled_from(choices)))
    turns = []
    clock = 0.0
    timed = draw(st.booleans())
    for i, speaker in enumerate(speakers):
        words = draw(st.lists(WORDS, min_size=1, max_size=12))
        text = " ".join(words).strip()
        text = text if text.endswith((".", "?")) else text + "."
        start = end = None
        if timed:
            start = clock + draw(st.integers(0, 3000)) / 1000
            end = start + draw(st.integers(1, 20000)) / 1000
            clock = end
        turns.append(
            {
                "episode_id": "prop",
                "turn": i,
                "speaker": speaker,
                "speaker_label": speaker,
                "role": "unknown",
                "text": text,
                "lang": "en",
                "start": start,
                "end": end,
                "chapter": None,
                "source": "p.txt",
                "line": i + 1,
            }
        )
    # Unknown speakers next to each other read back as one (nothing tells them apart), and a
    # name is only a label in a file that names someone: keep such cases out of this property.
    assume(not any(a is None and b is None for a, b in zip(speakers, speakers[1:], strict=False)))
    return turns


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(turns=conversations(), fmt=st.sampled_from(["srt", "vtt", "podcast-json"]))
def test_writers_and_readers_agree(turns, fmt):
    from podkb.export import EpisodeExport, podcast_json, srt, vtt
    from podkb.ingest.detect import read_transcript
    from podkb.models import Episode

    times = cue_times(turns)
    ep = EpisodeExport(
        episode=Episode(episode_id="prop", source="p.txt"),
        turns=turns,
        times=times,
        named=any(t["speaker"] for t in turns),
    )
    if fmt == "srt":
        # An SRT name is a `Name:` prefix, taken as a label when the file shows it names its
        # speakers: a name used twice, or another speaker named or marked `>>`. One name said
        # once in a file is not enough (never invent a speaker), so that case is left out.
        named = [t["speaker"] for t in turns if t["speaker"]]
        assume(len(named) != 1 or len(turns) > 1)
    text = {"srt": srt, "vtt": vtt, "podcast-json": podcast_json}[fmt](ep)
    raw = read_transcript(text)
    assert [t.label for t in raw.turns] == [t["speaker"] for t in turns]
    assert [squash(t.text) for t in raw.turns] == [squash(t["text"]) for t in turns]
    assert [(t.start, t.end) for t in raw.turns] == times

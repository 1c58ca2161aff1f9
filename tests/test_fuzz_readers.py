"""A fuzzing run of every reader: real example files of each registered format, damaged by
hypothesis (lines dropped, repeated, swapped, cut, or replaced with arbitrary text; JSON subtrees
replaced with arbitrary JSON), are read by that reader and raise nothing but InputError, and
every turn keeps a 1-based source line. Bounded (a fixed number of examples per reader) and
derandomized in CI by the `ci` hypothesis profile (tests/conftest.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podkb.errors import InputError
from podkb.ingest.context import ReadContext
from podkb.ingest.decode import decode_bytes
from podkb.ingest.raw import RawTranscript
from podkb.ingest.readers import json_readers, text_readers

_SCALE = float(os.environ.get("PODKB_HYPOTHESIS_SCALE", "1"))
FUZZ = settings(
    max_examples=int(40 * _SCALE),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CTX = ReadContext(path="fuzzed")


def _texts() -> list[tuple[str, str]]:
    """(name, text) of every fixture and seed that decodes, each at most 64 KB."""
    out = []
    for path in sorted([*FIXTURES.rglob("*"), *SEEDS.iterdir()]):
        if not path.is_file() or path.stat().st_size > 65_536:
            continue
        try:
            text = decode_bytes(path.read_bytes(), path=str(path)).text
        except InputError:
            continue
        out.append((str(path.relative_to(path.parents[1])), text))
    return out


def _exported_turns() -> list[tuple[str, str]]:
    """podkb's own turn records, from a seed: JSON lines, a JSON array and one JSON record."""
    from podkb.ingest.pipeline import parse_file

    _, turns, _, _ = parse_file(sorted(SEEDS.iterdir())[0])
    records = [t.model_dump() for t in turns[:12]]
    return [
        ("export.jsonl", "".join(json.dumps(r) + "\n" for r in records)),
        ("export.json", json.dumps(records, indent=1)),
        ("turn.json", json.dumps(records[0], indent=1)),
    ]


def _by_name(readers: list[Any]) -> dict[str, Any]:
    """Readers by name; a name registered twice (one format, two shapes) gets a number."""
    named: dict[str, Any] = {}
    for reader in readers:
        key = reader.name
        while key in named:
            key += "+"
        named[key] = reader
    return named


TEXTS = [*_texts(), *_exported_turns()]
TEXT_READERS = _by_name(text_readers())
JSON_READERS = _by_name(json_readers())


def _samples_for_text_reader(name: str) -> list[str]:
    """The files this reader is the first to claim (as detection would hand them to it), else
    those its sniff accepts though an earlier reader takes them: every reader is fuzzed."""
    readers = list(TEXT_READERS.values())
    reader = TEXT_READERS[name]
    claimed = []
    for _, text in TEXTS:
        first = next((r for r in readers if r.sniff(text)), None)
        if first is reader:
            claimed.append(text)
    return claimed or [text for _, text in TEXTS if reader.sniff(text)]


def _json_samples_for(name: str) -> list[Any]:
    claimed = []
    for _, text in TEXTS:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            continue
        first = next((r for r in JSON_READERS.values() if r.sniff(data)), None)
        if first is JSON_READERS[name]:
            claimed.append(data)
    return claimed


def _assert_sound(raw: RawTranscript) -> None:
    for turn in raw.turns:
        assert turn.line >= 1
        assert isinstance(turn.text, str)


@st.composite
def damaged(draw: st.DrawFn, samples: list[str]) -> str:
    lines = draw(st.sampled_from(samples)).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "repeat", "swap", "cut", "replace", "insert"]))
        if action == "drop":
            del lines[i]
        elif action == "repeat":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif action == "replace":
            lines[i] = draw(st.text(max_size=60))
        else:
            lines.insert(i, draw(st.text(max_size=60)))
    return "\n".join(lines)


def _text_reader_names() -> list[str]:
    return [name for name in TEXT_READERS if _samples_for_text_reader(name)]


def test_every_text_reader_has_an_example_to_fuzz():
    assert sorted(set(TEXT_READERS) - set(_text_reader_names())) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", _text_reader_names())
def test_a_text_reader_on_damaged_examples_raises_only_input_error(name):
    reader = TEXT_READERS[name]

    @FUZZ
    @given(damaged(_samples_for_text_reader(name)))
    def run(text: str) -> None:
        if not reader.sniff(text):
            return  # detection would not hand it this text
        try:
            raw = reader.read(text, CTX)
        except InputError:
            return
        _assert_sound(raw)

    run()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def damaged_json(draw: st.DrawFn, samples: list[Any]) -> Any:
    """A sample with one subtree (or value) replaced by arbitrary JSON, or a key dropped."""
    data = json.loads(json.dumps(draw(st.sampled_from(samples))))  # a copy
    node = data
    for _ in range(draw(st.integers(0, 6))):
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
            if not isinstance(node[key], (dict, list)) or draw(st.booleans()):
                if draw(st.booleans()):
                    node[key] = draw(JSON_VALUES)
                else:
                    del node[key]
                return data
            node = node[key]
        elif isinstance(node, list) and node:
            i = draw(st.integers(0, len(node) - 1))
            if not isinstance(node[i], (dict, list)) or draw(st.booleans()):
                node[i] = draw(JSON_VALUES)
                return data
            node = node[i]
        else:
            break
    return data


def _json_reader_names() -> list[str]:
    return [name for name in JSON_READERS if _json_samples_for(name)]


@pytest.mark.slow
@pytest.mark.parametrize("name", _json_reader_names())
def test_a_json_reader_on_damaged_examples_raises_only_input_error(name):
    reader = JSON_READERS[name]

    @FUZZ
    @given(damaged_json(_json_samples_for(name)))
    def run(data: Any) -> None:
        if not reader.sniff(data):
            return
        text = json.dumps(data, indent=1, ensure_ascii=False)
        try:
            raw = reader.read(text, data, CTX)
        except InputError:
            return
        _assert_sound(raw)

    run()


def test_every_json_reader_has_an_example_to_fuzz():
    assert sorted(set(JSON_READERS) - set(_json_reader_names())) == []


def test_fixture_paths_exist():
    assert Path(FIXTURES).is_dir() and TEXTS

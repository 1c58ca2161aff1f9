"""podkb export --format opensearch: a `_bulk` body and an index template, checked against the
documented formats (OpenSearch and Elasticsearch "Bulk API", "Index templates")."""

from __future__ import annotations

import json

from podkb.export import export
from podkb.opensearch import TEMPLATE_FILE, index_template
from podkb.store import TURN_COLUMNS

# Built-in analysis components of OpenSearch and Elasticsearch (no plugin needed).
BUILT_IN_TOKENIZERS = {"standard", "whitespace", "icu_tokenizer"}
BUILT_IN_FILTERS = {"cjk_width", "lowercase", "asciifolding", "cjk_bigram", "stemmer"}


def bulk_text(store) -> str:
    chunks: list[str] = []
    export(store, "opensearch", write=chunks.append)
    return "".join(chunks)


def test_the_bulk_body_is_action_and_document_lines(seed_store):
    body = bulk_text(seed_store)
    assert body.endswith("\n")  # the bulk API needs the final newline
    lines = body[:-1].split("\n")
    assert len(lines) == 2 * seed_store.counts()["turns"]
    ids = set()
    for action_line, doc_line in zip(lines[::2], lines[1::2], strict=True):
        action, doc = json.loads(action_line), json.loads(doc_line)
        assert list(action) == ["index"]
        assert set(action["index"]) == {"_index", "_id"}
        assert action["index"]["_index"] == "podkb-turns"
        assert action["index"]["_id"] == f"{doc['episode_id']}/{doc['turn']}"
        ids.add(action["index"]["_id"])
        assert list(doc) == list(TURN_COLUMNS)
    assert len(ids) == len(lines) // 2


def test_turn_text_stays_on_its_line(seed_store):
    # Turns hold paragraph breaks; a raw newline would split a document across bulk lines.
    body = bulk_text(seed_store)
    docs = [json.loads(line) for line in body.split("\n")[1::2] if line]
    assert any("\n" in d["text"] for d in docs)
    assert all(line.startswith("{") and line.endswith("}") for line in body.split("\n") if line)


def test_the_template_maps_every_field_and_defines_every_analyzer():
    template = index_template()
    assert template["index_patterns"] == ["podkb-turns*"]
    settings = template["template"]["settings"]
    mappings = template["template"]["mappings"]
    assert set(mappings["properties"]) == set(TURN_COLUMNS)
    assert mappings["dynamic"] == "strict"
    analysis = settings["analysis"]
    custom_filters = analysis["filter"]
    for name, analyzer in analysis["analyzer"].items():
        assert analyzer["type"] == "custom", name
        assert analyzer["tokenizer"] in BUILT_IN_TOKENIZERS
        for f in analyzer["filter"]:
            kind = custom_filters[f]["type"] if f in custom_filters else f
            assert kind in BUILT_IN_FILTERS, (name, f)
    used = set()
    for field in mappings["properties"].values():
        for spec in (field, *field.get("fields", {}).values()):
            if spec["type"] == "text":
                used.add(spec["analyzer"])
    assert used <= set(analysis["analyzer"])
    assert custom_filters["podkb_cjk_bigram"] == {"type": "cjk_bigram", "output_unigrams": True}
    assert settings["index"]["similarity"]["default"] == {"type": "BM25", "k1": 1.2, "b": 0.75}


def test_an_export_folder_gets_the_template_beside_the_bulk_files(run_cli, seed_db, tmp_path):
    out = tmp_path / "os"
    code, _, err = run_cli(
        "export", "--format", "opensearch", "--out", str(out), "--db", str(seed_db)
    )
    assert code == 0, err
    assert json.loads((out / TEMPLATE_FILE).read_text(encoding="utf-8")) == index_template()
    bulk = sorted(out.glob("*.ndjson"))
    assert len(bulk) == 5
    assert all(p.read_text(encoding="utf-8").endswith("\n") for p in bulk)

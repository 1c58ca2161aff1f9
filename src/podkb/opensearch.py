"""OpenSearch and Elasticsearch: the knowledge base as `_bulk` NDJSON, with an index template
whose analysis matches podkb's own, for people who run a search cluster.

The bulk body is pairs of lines, an action and a document, each line one JSON object, the
whole ending with a newline (the documented `_bulk` format). Each turn is indexed whole under the
id `<episode_id>/<turn>`, so loading the same export twice replaces rather than duplicates.

The template's `podkb` analyzer does what podkb's analyzer does, with built-in filters only:
full-width to half-width (`cjk_width`), lowercase, accents folded (`asciifolding`), CJK runs as
overlapping bigrams plus single characters (`cjk_bigram` with `output_unigrams`), so any run of
two or more characters is found where it stands, and one-character queries work. `text.stemmed`
adds English stemming. BM25 uses k1 = 1.2 and b = 0.75, as podkb's ranking does. What differs:
Traditional and Simplified Chinese are not folded into each other (that needs the
`analysis-stconvert` plugin; ICU folding, the `analysis-icu` plugin, folds more scripts).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

DEFAULT_INDEX = "podkb-turns"
TEMPLATE_FILE = "_index_template.json"


def bulk_lines(rows: Iterable[dict[str, Any]], index: str = DEFAULT_INDEX) -> Iterator[str]:
    """The `_bulk` body for these turn records: an `index` action line, then the document."""
    from .output import json_text

    for row in rows:
        action = {"index": {"_index": index, "_id": f"{row['episode_id']}/{row['turn']}"}}
        yield json_text(action) + "\n" + json_text(row) + "\n"


def index_template(index: str = DEFAULT_INDEX) -> dict[str, Any]:
    """An index template (`PUT _index_template/podkb`) for the turns of a podkb export."""
    keyword = {"type": "keyword"}
    text = {
        "type": "text",
        "analyzer": "podkb",
        "fields": {"stemmed": {"type": "text", "analyzer": "podkb_english"}},
    }
    return {
        "index_patterns": [f"{index}*"],
        "template": {
            "settings": {
                "index": {"similarity": {"default": {"type": "BM25", "k1": 1.2, "b": 0.75}}},
                "analysis": {
                    "filter": {
                        "podkb_cjk_bigram": {"type": "cjk_bigram", "output_unigrams": True},
                        "podkb_english_stemmer": {"type": "stemmer", "language": "english"},
                    },
                    "analyzer": {
                        "podkb": {
                            "type": "custom",
                            "tokenizer": "standard",
                            "filter": [
                                "cjk_width",
                                "lowercase",
                                "asciifolding",
                                "podkb_cjk_bigram",
                            ],
                        },
                        "podkb_english": {
                            "type": "custom",
                            "tokenizer": "standard",
                            "filter": [
                                "cjk_width",
                                "lowercase",
                                "asciifolding",
                                "podkb_cjk_bigram",
                                "podkb_english_stemmer",
                            ],
                        },
                    },
                },
            },
            "mappings": {
                "dynamic": "strict",
                "properties": {
                    "episode_id": keyword,
                    "turn": {"type": "integer"},
                    "speaker": keyword,
                    "speaker_label": keyword,
                    "role": keyword,
                    "text": text,
                    "lang": keyword,
                    "start": {"type": "double"},
                    "end": {"type": "double"},
                    "chapter": {**text, "fields": {"raw": keyword}},
                    "source": keyword,
                    "line": {"type": "integer"},
                },
            },
        },
    }

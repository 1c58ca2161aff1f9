"""Chinese recall against a substring scan: search finds every turn that contains the query.

Chinese is indexed without a dictionary (overlapping bigrams, plus single characters for
one-character queries), so a query should find exactly the turns whose text contains it, with
Traditional and Simplified folded together. The reference here is the plainest possible one:
fold the query and every turn's text with `podkb.text.fold` and test `in`.
"""

from __future__ import annotations

import pytest

# Drawn from seeds/001 (Traditional Chinese): as written there, and in Simplified.
WORDS = [
    # one character
    "書",
    "书",
    "狗",
    "藥",
    "药",
    "鸚",
    "火",
    "夢",
    "腿",
    "錯",
    "笑",
    "人",
    "的",
    # two characters
    "評估",
    "评估",
    "鸚鵡",
    "鹦鹉",
    "開源",
    "开源",
    "課程",
    "课程",
    "資料",
    "论文",
    "論文",
    "播客",
    "吉他",
    "數學",
    "数学",
    "封面",
    "社群",
    "基準",
    "模型",
    # three characters or more
    "疊衣服",
    "叠衣服",
    "機器人",
    "机器人",
    "蛋白質",
    "蛋白质",
    "實習生",
    "实习生",
    "插畫師",
    "求職信",
    "物理學家",
    "隨機森林",
    "随机森林",
    "水下火災",
    "蝴蝶效應",
    "深度學習",
    "机器学习",
    "語言模型",
    "自然语言处理",
    "表情包",
]
BIG = 1000  # larger than the number of turns in the seed store


def scan(seed_turns, word: str) -> set[tuple[str, int]]:
    from podkb.text import fold

    key = fold(word)
    return {
        (eid, t.turn) for eid, turns in seed_turns.items() for t in turns if key in fold(t.text)
    }


def found(store, word: str) -> set[tuple[str, int]]:
    from podkb.search import SearchRequest, search

    hits = search(store, SearchRequest(query=word, limit=BIG)).hits
    return {(h.episode_id, h.turn) for h in hits}


def test_word_list_is_drawn_from_001_in_both_scripts(seed_turns):
    from podkb.text import to_simplified

    assert len(WORDS) >= 30 and len(set(WORDS)) == len(WORDS)
    assert any(len(w) == 1 for w in WORDS) and any(len(w) >= 2 for w in WORDS)
    # Both scripts: Traditional forms as 001 writes them, and Simplified ones it never does.
    assert any(to_simplified(w) != w for w in WORDS), "no Traditional forms"
    pairs = [w for w in WORDS if to_simplified(w) != w and to_simplified(w) in WORDS]
    assert pairs, "no Simplified forms"
    zh = seed_turns["ml-experts-lewis-tunstall-zh"]
    missing = [w for w in WORDS if not any(to_simplified(w) in to_simplified(t.text) for t in zh)]
    assert not missing, f"not in seeds/001: {missing}"


def test_chinese_recall_is_complete(seed_store, seed_turns):
    expected_total = found_total = extra_total = 0
    misses: dict[str, set] = {}
    for word in WORDS:
        expected = scan(seed_turns, word)
        got = found(seed_store, word)
        expected_total += len(expected)
        found_total += len(expected & got)
        extra_total += len(got - expected)
        if expected - got:
            misses[word] = expected - got
    recall = found_total / expected_total
    print(
        f"chinese recall: {found_total}/{expected_total} = {recall:.1%} over {len(WORDS)} queries"
        f" ({extra_total} hits without the substring)"
    )
    assert not misses, f"turns containing the query that search missed: {misses}"
    assert recall == 1.0
    # Measured: no hit lacks the substring either (bigram phrases match where the text matches).
    assert extra_total == 0


@pytest.mark.parametrize("word", WORDS)
def test_each_word_finds_every_turn_that_contains_it(seed_store, seed_turns, word):
    expected = scan(seed_turns, word)
    assert expected, f"{word} is in no turn"
    assert found(seed_store, word) >= expected

"""A deterministic synthetic corpus of labeled podcast transcripts, and the ground truth of its queries.

The corpus is many `Name: text` transcript files (one turn a line, a blank line between turns,
`TURNS_PER_FILE` turns a file), read by `podkb ingest` like real transcripts:

- turns of 20-100 words; English words drawn from a Zipf distribution (s = 1) over a vocabulary of
  common English words followed by synthetic words, 500,000 in all, so the tail stays rare even
  at 1M turns; the phrase "open source" planted in 1 of 200 English turns;
- about one turn in ten in Chinese (Simplified; words of 1-4 characters, Zipf over 8,000 words
  built from 499 common characters, full-width punctuation, full-width colon after the label);
- a few hundred speakers: 20 hosts and 280 guests; each file has one host and one or two guests.

File i is generated from its own seed (seed, i), so the corpus is the same on every run and the
10k corpus is the first 50 files of the 100k corpus, which is the first 500 files of the 1M one.

The query mix is chosen from the corpus itself (document frequencies counted while generating):
a rare term (about 10 turns), a common term (about 1% of turns), the most frequent word, a
phrase, a speaker-filtered query, and Chinese queries of one and two characters. Their ground
truth (which turns contain them) is then computed by scanning the written files with a tokenizer
independent of podkb's.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

GENERATOR_VERSION = 1
DEFAULT_SEED = 20240601
TURNS_PER_FILE = 200
VOCAB_SIZE = 500_000
ZIPF_S = 1.0
CHINESE_SHARE = 0.10
PHRASE = ("open", "source")
PHRASE_SHARE = 1 / 200
N_HOSTS, N_GUESTS = 20, 280
# Recall is checked through the library's search(), whose --limit stops at 10,000.
RECALL_LIMIT = 10_000

# Common English words, most frequent first: the head of the Zipf vocabulary.
_ENGLISH_HEAD = """
the of and to a in is that it you i we for this was on with they be are have but not so what at
like as do just there know can think about one all or if my more people from he she an very
really yeah had out up when which their would them how get some time also because these our
me then into been were now other much who could where data way make your work thing things
well model right those going sure lot even here first use want need see still good new over
actually back say only two just kind different many any most question said let us through
problem go little same years being might team something build
""".split()
_OPEN_RANK, _SOURCE_RANK = 150, 260  # "open" and "source": moderately common words on their own

_FIRST = (
    "Alice Bruno Carla Dmitri Elena Felix Greta Hugo Irene Jonas Kirsten Lorenzo Marta Nadia "
    "Oskar Paula Quentin Rosa Stefan Tamara Ulrich Vera Walter Yasmin Zoltan Agnes Bernard "
    "Cecilia Dorian Edith"
).split()
_LAST = (
    "Abbott Berger Castillo Dalton Eriksen Fontaine Gallo Hartmann Ivanova Jansen Kowalski "
    "Lindqvist Moreau Novak Olsen Petrov Quist Romero Schultz Tanaka Urban Varga Weber Yilmaz "
    "Zeller Brandt Costa Duarte Engel Fischer"
).split()

_HAN = (
    "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后"
    "小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长"
    "知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最"
    "间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市"
    "眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计"
    "或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让"
    "认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办"
    "运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持"
    "取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞"
    "观争究包组造落视济喜离虽坐集编宝谈府拉黑且随格尽剑讲布杀微怕母调局根曾准团段终乐切级克精哪官示冷域"
)
_CHINESE_VOCAB = 8_000

_ONSETS = "b c d f g h j k l m n p r s t v w z br ch cl dr fl gr pl pr sh st th tr".split()
_VOWELS = "a e i o u ai ea io ou".split()
_CODAS = ["", "", "", "n", "r", "s", "l", "m", "x"]


@dataclass(frozen=True)
class Vocab:
    words: list[str]
    cum: list[float]
    han_words: list[str]
    han_cum: list[float]
    speakers: list[str]  # hosts first


def parse_size(text: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not m:
        raise ValueError(f"bad size {text!r}: use e.g. 10k, 100k, 1m")
    n = float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()]
    return int(n)


def size_label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def build_vocab(seed: int = DEFAULT_SEED) -> Vocab:
    rng = random.Random(f"{seed}-vocab")
    head = list(dict.fromkeys(_ENGLISH_HEAD))
    taken = set(head) | set(PHRASE) | {w.lower() for w in _FIRST + _LAST}
    synthetic: list[str] = []
    while len(head) + len(synthetic) < VOCAB_SIZE - len(PHRASE):
        n = rng.choice((2, 2, 3, 3, 3, 4))
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(n)) + rng.choice(
            _CODAS
        )
        if word not in taken:
            taken.add(word)
            synthetic.append(word)
    words = head + synthetic
    for rank, word in sorted(((_OPEN_RANK, PHRASE[0]), (_SOURCE_RANK, PHRASE[1]))):
        words.insert(rank - 1, word)
    cum = list(accumulate(1.0 / (r**ZIPF_S) for r in range(1, len(words) + 1)))

    han_rng = random.Random(f"{seed}-han")
    han_cum_chars = list(accumulate(1.0 / (r**0.9) for r in range(1, len(_HAN) + 1)))
    han_words: list[str] = []
    seen: set[str] = set()
    while len(han_words) < _CHINESE_VOCAB:
        n = han_rng.choices((1, 2, 3, 4), weights=(20, 60, 15, 5))[0]
        w = "".join(han_rng.choices(_HAN, cum_weights=han_cum_chars, k=n))
        if w not in seen:
            seen.add(w)
            han_words.append(w)
    han_cum = list(accumulate(1.0 / r for r in range(1, len(han_words) + 1)))

    names = [f"{f} {last}" for last in _LAST for f in _FIRST]
    random.Random(f"{seed}-names").shuffle(names)
    speakers = names[: N_HOSTS + N_GUESTS]
    return Vocab(words, cum, han_words, han_cum, speakers)


# --- generation ----------------------------------------------------------------------------------


def _english_turn(rng: random.Random, v: Vocab) -> str:
    n = rng.randint(20, 100)
    words = rng.choices(v.words, cum_weights=v.cum, k=n)
    if rng.random() < PHRASE_SHARE:
        i = rng.randrange(n - 1)
        words[i : i + 2] = list(PHRASE)
    out: list[str] = []
    sentence = 0
    for w in words:
        if sentence == 0:
            w = w[0].upper() + w[1:]
        sentence += 1
        if sentence >= 5 and rng.random() < 0.12:
            out.append(w + rng.choice((".", ".", ".", "?", "!")))
            sentence = 0
        elif sentence >= 3 and rng.random() < 0.06:
            out.append(w + ",")
        else:
            out.append(w)
    text = " ".join(out)
    return text if text[-1] in ".?!" else text + "."


def _chinese_turn(rng: random.Random, v: Vocab) -> str:
    n = rng.randint(20, 100)
    words = rng.choices(v.han_words, cum_weights=v.han_cum, k=n)
    out: list[str] = []
    since = 0
    for w in words:
        out.append(w)
        since += 1
        if since >= 4 and rng.random() < 0.15:
            out.append(rng.choice("，，，。？"))
            since = 0
    text = "".join(out)
    return text if text[-1] in "。？" else text.rstrip("，") + "。"


def _file_name(i: int) -> str:
    return f"ep-{i:06d}.txt"


def _write_file(args: tuple[int, int, str, int, list[str], list[str]]) -> dict:
    """Write file i with n turns; return its stats and the document frequency of candidates."""
    i, n, folder, seed, en_candidates, zh_candidates = args
    data, stats = file_bytes(i, n, seed, en_candidates, zh_candidates)
    path = Path(folder) / _file_name(i)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return stats


def file_bytes(
    i: int, n: int, seed: int, en_candidates: list[str], zh_candidates: list[str]
) -> tuple[bytes, dict]:
    """File i's bytes (n turns), its stats and the document frequency of the candidates."""
    v = _vocab(seed)
    rng = random.Random(f"{seed}-file-{i}")
    host = v.speakers[rng.randrange(N_HOSTS)]
    guests = rng.sample(v.speakers[N_HOSTS:], rng.choice((1, 1, 2)))
    en_set = set(en_candidates)
    df: Counter[str] = Counter()
    speaker_turns: Counter[str] = Counter()
    lines: list[str] = []
    words = zh_turns = 0
    for k in range(n):
        speaker = host if k % 2 == 0 else rng.choice(guests)
        speaker_turns[speaker] += 1
        if rng.random() < CHINESE_SHARE:
            text = _chinese_turn(rng, v)
            zh_turns += 1
            words += len(re.findall(r"[\u4e00-\u9fff]", text))
            df.update(c for c in zh_candidates if c in text)
            lines.append(f"{speaker}：{text}")
        else:
            text = _english_turn(rng, v)
            toks = set(re.findall(r"[a-z]+", text.lower()))
            words += text.count(" ") + 1
            df.update(toks & en_set)
            lines.append(f"{speaker}: {text}")
    data = ("\n\n".join(lines) + "\n").encode("utf-8")
    return data, {
        "turns": n,
        "bytes": len(data),
        "words": words,
        "zh_turns": zh_turns,
        "df": dict(df),
        "speakers": dict(speaker_turns),
    }


_VOCAB_CACHE: dict[int, Vocab] = {}


def _vocab(seed: int) -> Vocab:
    if seed not in _VOCAB_CACHE:
        _VOCAB_CACHE[seed] = build_vocab(seed)
    return _VOCAB_CACHE[seed]


def _candidates(v: Vocab) -> tuple[list[str], list[str]]:
    """Words whose frequency is counted while generating: ranks spaced 10% apart, all of Zipf's range;
    Chinese characters and two-character words across their range."""
    ranks = sorted({int(1.1**k) for k in range(0, 140) if 1.1**k <= len(v.words)})
    en = [v.words[r - 1] for r in ranks]
    chars = list(dict.fromkeys(_HAN))
    two = [w for w in v.han_words if len(w) == 2]
    zh = [chars[int(1.15**k)] for k in range(0, 45) if 1.15**k < len(chars)]
    zh += [two[int(1.15**k)] for k in range(0, 60) if 1.15**k < len(two)]
    return en, list(dict.fromkeys(zh))


def generate(
    folder: Path, turns: int, *, seed: int = DEFAULT_SEED, workers: int | None = None, log=print
) -> dict:
    """Write the corpus into folder (made empty first); return the manifest (stats, queries, truth)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("ep-*"):
        old.unlink()
    v = _vocab(seed)
    en_cands, zh_cands = _candidates(v)
    n_files = math.ceil(turns / TURNS_PER_FILE)
    jobs = [
        (i, min(TURNS_PER_FILE, turns - i * TURNS_PER_FILE), str(folder), seed, en_cands, zh_cands)
        for i in range(n_files)
    ]
    totals = {"files": n_files, "turns": 0, "bytes": 0, "words": 0, "zh_turns": 0}
    df: Counter[str] = Counter()
    speakers: Counter[str] = Counter()
    workers = workers or os.cpu_count() or 1
    with ProcessPoolExecutor(workers) as pool:
        for done, r in enumerate(pool.map(_write_file, jobs, chunksize=8), start=1):
            for key in ("turns", "bytes", "words", "zh_turns"):
                totals[key] += r[key]
            df.update(r["df"])
            speakers.update(r["speakers"])
            if done % 500 == 0:
                log(f"  generated {done}/{n_files} files")
    queries = choose_queries(v, df, speakers, totals["turns"], en_cands, zh_cands)
    truth = ground_truth(folder, n_files, queries, workers=workers)
    for q in queries:
        t = truth[q["kind"]]
        q["truth"] = t["count"]
        q["truth_lines"] = t.get("lines")
        q["df_generated"] = df.get(q["query"].strip('"')) if not q.get("speaker") else None
    return {
        "generator": GENERATOR_VERSION,
        "seed": seed,
        "turns_requested": turns,
        "turns_per_file": TURNS_PER_FILE,
        **totals,
        "speakers": len(speakers),
        "queries": queries,
    }


def choose_queries(
    v: Vocab,
    df: Counter[str],
    speakers: Counter[str],
    turns: int,
    en_cands: list[str],
    zh_cands: list[str],
) -> list[dict]:
    def closest(cands: list[str], target: float) -> str:
        seen = [c for c in cands if df.get(c, 0) > 0]
        return min(seen, key=lambda c: (abs(math.log(df[c] / target)), c))

    rare = closest([w for w in en_cands if w not in PHRASE], 10)
    common = closest([w for w in en_cands if w not in PHRASE], turns * 0.01)
    frequent = max(en_cands, key=lambda w: df.get(w, 0))
    host = max((s for s in speakers if s in v.speakers[:N_HOSTS]), key=lambda s: (speakers[s], s))
    # Chinese queries of moderate frequency: the ground truth stays within search()'s --limit.
    target = min(turns * 0.005, RECALL_LIMIT * 0.6)
    zh1 = closest([c for c in zh_cands if len(c) == 1], target)
    zh2 = closest([c for c in zh_cands if len(c) == 2], target / 2)
    return [
        {"kind": "rare term", "query": rare},
        {"kind": "common term", "query": common},
        {"kind": "frequent word", "query": frequent},
        {"kind": "phrase", "query": f'"{PHRASE[0]} {PHRASE[1]}"'},
        {"kind": "speaker filter", "query": common, "speaker": host},
        {"kind": "Chinese 1 char", "query": zh1},
        {"kind": "Chinese 2 chars", "query": zh2},
    ]


# --- ground truth --------------------------------------------------------------------------------

_EN_TOKEN = re.compile(r"[a-z]+")


def _truth_file(args: tuple[str, list[dict]]) -> dict[str, list[int] | int]:
    path, queries = args
    text = Path(path).read_text(encoding="utf-8")
    out: dict[str, list[int]] = {q["kind"]: [] for q in queries}
    line = 1
    for turn in text.split("\n\n"):
        turn = turn.rstrip("\n")
        speaker, sep, body = turn.partition(": ")
        if not sep:
            speaker, _, body = turn.partition("：")
        toks = None
        for q in queries:
            term = q["query"].strip('"')
            if re.match(r"[\u4e00-\u9fff]", term):
                hit = term in body
            else:
                if toks is None:
                    toks = _EN_TOKEN.findall(body.lower())
                words = term.split()
                if len(words) == 1:
                    hit = words[0] in toks
                else:
                    hit = any(
                        toks[j : j + len(words)] == words for j in range(len(toks) - len(words) + 1)
                    )
                if hit and q.get("speaker"):
                    hit = speaker == q["speaker"]
            if hit:
                out[q["kind"]].append(line)
        line += turn.count("\n") + 2
    return out


def ground_truth(
    folder: Path, n_files: int, queries: list[dict], *, workers: int
) -> dict[str, dict]:
    """Which turns (file:line) contain each query, by a tokenizer independent of podkb's."""
    jobs = [(str(folder / _file_name(i)), queries) for i in range(n_files)]
    result = {q["kind"]: {"count": 0, "lines": []} for q in queries}
    with ProcessPoolExecutor(workers) as pool:
        for i, per_file in enumerate(pool.map(_truth_file, jobs, chunksize=8)):
            name = _file_name(i)
            for kind, lines in per_file.items():
                result[kind]["count"] += len(lines)
                if result[kind]["lines"] is not None:
                    result[kind]["lines"].extend(f"{name}:{n}" for n in lines)
                    if len(result[kind]["lines"]) > RECALL_LIMIT:
                        result[kind]["lines"] = (
                            None  # too many to check through search(); count only
                        )
    return result


def load_manifest(folder: Path) -> dict | None:
    path = folder / "manifest.json"
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def save_manifest(folder: Path, manifest: dict) -> None:
    path = folder / "manifest.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


__all__ = ["generate", "build_vocab", "parse_size", "size_label", "load_manifest", "save_manifest"]

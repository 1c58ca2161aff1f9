"""Hand-checked quotes from the five seed transcripts: who said them, where, when, in which chapter.

Every quote was read off the seed file by hand: an exact substring of one spoken line. The
test finds the quote's real source line by reading the file, so each row also checks
provenance: the turn holding the quote starts at or before that line, and the next turn
starts after it.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from conftest import SEEDS

FILES = {
    "humans-of-ai-16-lewis-tunstall": "000_084d43b1bddc1ac0.txt",
    "ml-experts-lewis-tunstall-zh": "001_86a6375c4e3f3616.txt",
    "infoq-omar-sanseviero": "002_a5a22b8114034da7.txt",
    "latent-space-jeremy-howard-answer-ai": "003_93e3be72a06d16a5.txt",
    "hockeystick-2-llms-in-production": "004_3484da07e86d66bb.txt",
}
SHORT = {
    "000": "humans-of-ai-16-lewis-tunstall",
    "001": "ml-experts-lewis-tunstall-zh",
    "002": "infoq-omar-sanseviero",
    "003": "latent-space-jeremy-howard-answer-ai",
    "004": "hockeystick-2-llms-in-production",
}
DUPLICATE_FROM = 194  # 003's page is in the file twice; the second copy starts here

SHUVO, TUNSTALL = "Sheikh Shuvo", "Lewis Tunstall"
MULLER = "Britney Muller"
MEERTENS, SANSEVIERO = "Roland Meertens", "Omar Sanseviero"
FANELLI, SWYX, HOWARD = "Alessio Fanelli", "swyx", "Jeremy Howard"

UNSET = object()


@cache
def source_lines(name: str) -> tuple[str, ...]:
    return tuple((SEEDS / name).read_text(encoding="utf-8").split("\n"))


def hms(stamp: str) -> float:
    h, m, s = (int(x) for x in stamp.split(":"))
    return float(h * 3600 + m * 60 + s)


def q(file, line, quote, speaker, *, start=UNSET, chapter=UNSET, xfail=None):
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(
        SHORT[file], line, quote, speaker, start, chapter, marks=marks, id=f"{file}-L{line}"
    )


# (file, hand-checked source line, quote, speaker[, start][, chapter])
QUOTES = [
    # --- 000: Humans of AI #16. "Name: text" labels; several unlabeled paragraphs continue Lewis.
    q("000", 12, "welcome to Humans of AI", SHUVO),
    q("000", 16, "describe the work that you do to a five-year-old", SHUVO),
    q("000", 18, "What do I do all day except for sit in a chair", TUNSTALL),
    q("000", 20, "translate this to a three-year-old instead", SHUVO),
    q("000", 26, "maybe he'll be a carpenter", TUNSTALL),
    q("000", 32, "I see the collection of guitars in the back.", SHUVO),
    q("000", 38, "A very silly name called Mad Uncle", TUNSTALL),
    q("000", 42, "which automated a large chunk of that work", TUNSTALL),  # unlabeled
    q("000", 44, "predicting housing prices in Russia", TUNSTALL),  # unlabeled
    q("000", 46, "I did no machine learning, just lots of data engineering", TUNSTALL),  # unlabeled
    q("000", 48, "people stretching out the corridor", TUNSTALL),  # unlabeled
    q("000", 50, "my wife suggested contacting Hugging Face", TUNSTALL),  # unlabeled
    q("000", 52, "So, we just cold emailed Tom Wolfe", TUNSTALL),  # labelled again, same turn
    q("000", 54, "does your interpretation of it change?", SHUVO),
    q("000", 58, "defined by pivots and serendipity", SHUVO),
    q("000", 64, "debugging distributed training systems", TUNSTALL),
    q("000", 66, "the math is a bit easier in machine learning", TUNSTALL),
    q("000", 72, "You have the OpenAI Dev Day.", SHUVO),
    q("000", 78, "where you collect human annotator labels", TUNSTALL),  # unlabeled
    q("000", 80, "There are now at least 10 different algorithms", TUNSTALL),
    q("000", 90, "That explains the smiling face as the company logo too.", SHUVO),
    q(
        "000", 94, "my colleague Ed Beeching created the open LLM leaderboard", TUNSTALL
    ),  # unlabeled
    q("000", 98, "most executives just have it pinned to their desktops", SHUVO),
    q("000", 102, "something with the next World Cup", SHUVO),
    q(
        "000", 106, "Being humble and helpful are very good personal qualities", TUNSTALL
    ),  # unlabeled
    q("000", 112, "a blog called 'Shtetl Optimized' by Scott Aronson", TUNSTALL),
    q("000", 120, "The Kids Aren't Alright.", TUNSTALL),
    q("000", 124, "It was a pleasure to be here.", TUNSTALL),
    # --- 001: Traditional Chinese. The host's lines are unlabeled; Lewis's answers start "Lewis:"
    # and may run on over unlabeled paragraphs. Lines 19-21 and 99 (known misses) are left out.
    q("001", 3, "我是主持人Britney Muller", MULLER),
    q("001", 6, "工作之餘喜歡彈吉他、越野跑,併為開源專案做貢獻", MULLER),
    q("001", 9, "非常感謝你從百忙之中抽出時間來和我聊聊你出色的工作", MULLER),
    q("001", 10, "謝謝你,Britney。很高興來到這裡。", TUNSTALL),
    q("001", 11, "好奇你是否能簡單地自我介紹一下", MULLER),
    q("001", 13, "那時候這個庫叫做:pytorch-pretrained-bert", TUNSTALL),  # unlabeled
    q("001", 15, "這次合作播下了我和Leandro最終加入Hugging Face的種子", TUNSTALL),  # unlabeled
    q("001", 16, "這太不可思議了。手裡拿著你的書,感覺如何?", MULLER),
    q("001", 18, "它證實了這本書是真實的,而不是我只是做夢。", TUNSTALL),  # unlabeled
    q("001", 27, "我們談論的是一種名為ONNX的特殊格式", TUNSTALL),  # unlabeled
    q("001", 33, "貼在辦公室的回收箱上方,當作一個笑話", TUNSTALL),  # unlabeled
    q("001", 35, "是一些更不準確的說法,比如“水下火災”", MULLER),
    q("001", 37, "第二年發生了石油洩漏事故,竟然真的有水下火災!", MULLER),  # "Britney:" label
    q("001", 38, "這個課程是如何產生的?它未來會走向何方?", MULLER),
    q("001", 44, "他實際上用它來申請Hugging Face。", TUNSTALL),  # unlabeled
    q("001", 47, "你希望在哪些領域看到更多的機器學習應用?", MULLER),
    q("001", 49, "DeepMind的AlphaFold模型,用於蛋白質結構預測", TUNSTALL),  # unlabeled
    q("001", 68, "它不符合我們應用程式中的需求。然後你就浪費了所有的時間。", TUNSTALL),  # unlabeled
    q("001", 69, "不要過度設計。我總是努力記住這一點。", MULLER),
    q("001", 77, "就像蝴蝶效應電影一樣,對吧?你回到過去", TUNSTALL),
    q("001", 78, "完全同意。別去破壞美好的事物!", MULLER),
    q("001", 85, "我能最終擁有一個幫我疊衣服的機器人", TUNSTALL),  # unlabeled
    q("001", 86, "人們應該害怕人工智慧掌控世界嗎?", MULLER),
    q("001", 88, "但是,我並不太擔心《終結者》。我更擔心的是", TUNSTALL),  # unlabeled
    q("001", 91, "什麼時候人工智慧輔助機器人會普及到家家戶戶?", MULLER),
    q("001", 93, "我想我這輩子有希望擁有一臺疊衣服機器人。", TUNSTALL),  # unlabeled
    q("001", 98, "它還為你提供了對 DeepMind 研究人員及其背景故事", TUNSTALL),  # unlabeled
    q("001", 100, "你最喜歡的機器學習論文有哪些?", MULLER),
    q("001", 102, "這是一個很好的例子,說明了中世紀論文的寫作方式", TUNSTALL),  # unlabeled
    q("001", 120, "而且書裡還有Transformer。", TUNSTALL),  # unlabeled
    q("001", 123, "很多這類書都相當枯燥和技術性強,而這本讀起來幾乎像一本小說", MULLER),
    q("001", 125, "也許有一天會出第二版,那時我們就可以把表情包加進去", TUNSTALL),  # unlabeled
    q("001", 128, "我們的聽眾可以在哪裡找到你的線上資料?", MULLER),
    q("001", 129, "你可以透過我的使用者名稱 @_lewtun 找到我", TUNSTALL),
    q("001", 130, "非常感謝你,劉易斯。我們很快再聊!", MULLER),
    # --- 002: InfoQ. Line 31 continues Roland's intro; an author bio is spliced into line 51-55.
    q("002", 29, "My name is Roland Meertens and today I am interviewing", MEERTENS),
    q("002", 31, "Welcome, Omar, to QCon London.", MEERTENS),  # unlabeled
    q("002", 33, "The talks have been great", SANSEVIERO),
    q("002", 43, "6,000 models? That's already big.", MEERTENS),
    q("002", 45, "One year it has multiplied times five.", SANSEVIERO),
    q("002", 47, "also in reinforcement learning time series", SANSEVIERO),  # unlabeled
    q("002", 55, "there's a library called sentence transformers", SANSEVIERO),  # after the bio
    q("002", 61, "In the audio domain, there's a model called Wave2Vec2.", SANSEVIERO),  # unlabeled
    q("002", 69, "You search funny cats", SANSEVIERO),
    q("002", 71, "I really liked it about the CLIP model from Open AI", MEERTENS),
    q("002", 77, "a very cool group called Somos NLP", SANSEVIERO),  # unlabeled
    q("002", 79, "replicated in a more reproducible way by volunteers", MEERTENS),
    q("002", 91, "you have a data set preview thing", SANSEVIERO),  # unlabeled
    q("002", 99, "I frequently discover the weirdest things not working", MEERTENS),
    q("002", 113, "The French government is giving us a couple millions", SANSEVIERO),
    q("002", 123, "if your model is predicting zero point 99", SANSEVIERO),  # unlabeled
    q("002", 127, "just adding the area as a feature", MEERTENS),
    q("002", 135, "maybe the lifespan of a car in the US", SANSEVIERO),  # unlabeled
    q("002", 139, "You can't even run them on a single machine.", MEERTENS),
    q("002", 151, "you want to continue trading on the 50th epoch", MEERTENS),
    q(
        "002", 167, "We had a very fun effort with Yandex in July of last year.", SANSEVIERO
    ),  # unlabeled
    q("002", 173, "There's not that many Dutch speaking subreddits.", MEERTENS),
    q("002", 187, "You mean to Big Science?", SANSEVIERO),
    q("002", 197, "Thank you for invitation.", SANSEVIERO),
    q("002", 199, "thank you very much for listening to the InfoQ podcast", MEERTENS),
    # --- 003: Latent Space. "Name [hh:mm:ss]:" labels give the start; the chapter list runs two
    # minutes ahead of the transcript clock (see test_ingest_seeds). Page duplicated from line 194.
    q(
        "003",
        74,
        "partner and CTO-in-Residence at Decibel Partners",
        FANELLI,
        start=hms("00:00:00"),
    ),
    q("003", 76, "I think your third appearance on Latent Space", SWYX, start=hms("00:00:14")),
    q("003", 78, "Wait, third? Second?", HOWARD, start=hms("00:00:19")),
    q("003", 84, "Very fun, standing outside street episode.", SWYX, start=hms("00:00:24")),
    q(
        "003",
        94,
        "offended at the idea of starting from random weights",
        HOWARD,
        start=hms("00:01:02"),
        chapter="Continuous Pre-Training is Here",
    ),
    q(
        "003",
        96,
        "they called it sort of never trained from scratch",
        SWYX,
        start=hms("00:02:14"),
        chapter="Continuous Pre-Training is Here",
    ),
    q("003", 100, "I'm seeing a rise in multi-phase pre-training", SWYX, start=hms("00:02:51")),
    q("003", 102, "Well, so they're getting there, right?", HOWARD, start=hms("00:03:32")),
    q(
        "003",
        106,
        "created something called the Ranger optimizer",
        HOWARD,
        start=hms("00:04:18"),
        chapter="Schedule-Free Optimizers and Learning Rate Schedules",
    ),
    q(
        "003",
        108,
        "there was the whole Sam Altman drama",
        FANELLI,
        start=hms("00:05:08"),
        chapter="Governance and Structural Issues within OpenAI and Other AI Labs",
    ),
    q("003", 112, "What did Jeremy see?", FANELLI, start=hms("00:06:13")),
    q(
        "003",
        114,
        "Philip Morris came along",
        HOWARD,
        start=hms("00:06:15"),
        chapter="Governance and Structural Issues within OpenAI and Other AI Labs",
    ),
    q(
        "003",
        116,
        "working together to free AI was the subject line",
        FANELLI,
        start=hms("00:11:01"),
        chapter="How Answer.ai works",
    ),
    q(
        "003",
        122,
        "Everybody who comes through the recruiting is interviewed",
        HOWARD,
        start=hms("00:21:40"),
        chapter="How to Recruit Productive Researchers",
    ),
    q(
        "003",
        128,
        "What technical arguments are people under-weighting?",
        SWYX,
        start=hms("00:26:25"),
        chapter="Building a new BERT",
    ),
    q(
        "003",
        138,
        "Well, do the adapters. Yeah.",
        HOWARD,
        start=hms("00:29:57"),
        chapter="FSDP, QLoRA, and QDoRA: Innovations in Fine-Tuning Large Models",
    ),
    q(
        "003",
        146,
        "flash attention is a great example of that",
        HOWARD,
        start=hms("00:34:22"),
        chapter="FSDP, QLoRA, and QDoRA: Innovations in Fine-Tuning Large Models",
    ),
    q(
        "003",
        154,
        "You should distribute a merged adapter 99% of the time.",
        HOWARD,
        start=hms("00:36:45"),
        chapter="Research and Development on Model Inference Optimization",
    ),
    q(
        "003",
        160,
        "I texted Alexio",
        SWYX,
        start=hms("00:42:38"),
        chapter="FastHTML for Web Application Development",
    ),
    q(
        "003",
        168,
        "Give us a nibble.",
        SWYX,
        start=hms("00:44:52"),
        chapter="FastHTML for Web Application Development",
    ),
    q(
        "003",
        170,
        "The basic UX is the same as a 1970s teletype",
        HOWARD,
        start=hms("00:44:53"),
        chapter="AI Magic & Dialogue Engineering",
    ),
    q("003", 180, "I'm wondering what your thoughts are because", SWYX, start=hms("00:51:35")),
    q(
        "003",
        182,
        "why can I not pay anybody to save my KV cash?",
        HOWARD,
        start=hms("00:51:38"),
        chapter="AI wishlist & predictions",
    ),
    q(
        "003",
        184,
        "Any other thoughts on like JEPA, diffusion for text",
        FANELLI,
        start=hms("00:53:46"),
    ),
    q(
        "003",
        188,
        "Thanks again for coming back on the pod",
        FANELLI,
        start=hms("00:55:13"),
        chapter="AI wishlist & predictions",
    ),
    # --- 004: HockeyStick. No speaker labels at all; chapter headings in the body.
    q(
        "004",
        60,
        "I'm Miko Pawlikowski, and this is HockeyStick.",
        None,
        chapter="Welcome to HockeyStick: Unveiling the Power of LLMs",
    ),
    q(
        "004",
        68,
        "we happen to both live in Utah",
        None,
        chapter="Meet the Experts: From Meetups to Authorship",
    ),
    q("004", 74, "why don't you just come on as a coauthor?", None),
    q(
        "004",
        98,
        "when some random guy at church is talking about it",
        None,
        chapter="The Hockey Stick Moment for LLMs: Breakthroughs and Realizations",
    ),
    q("004", 100, "It reverberated through a lot of levels of society", None),
    q("004", 104, "the easiest use case for, this kind of models", None),
    q(
        "004",
        106,
        "I hate that white space matters",
        None,
        chapter="Coding with LLMs: The New Frontier for Developers",
    ),
    q("004", 116, "emerging languages like mojo", None),
    q("004", 140, "generating SQL is actually something that's really good at", None),
    q("004", 142, "understanding how to write the code is only half the problem", None),
    q(
        "004",
        164,
        "ChatGPT can play chess because we can talk about it",
        None,
        chapter="The Pitfalls and Limitations of LLMs in Practice",
    ),
    q("004", 170, "I'm just gonna be its flesh and bones agent", None),
    q(
        "004",
        186,
        "There are 176 billion parameters in GPT-3 alone",
        None,
        chapter="Building vs. Buying LLMs: Navigating the Trade-offs",
    ),
    q("004", 212, "Nobody likes to play that game.", None),
    q(
        "004",
        248,
        "I'm greedy, man.",
        None,
        chapter="The Cost of Crafting Your Own LLM: Insights and Advice",
    ),
    q(
        "004",
        300,
        "ingest a podcast that's just emails",
        None,
        chapter="Deciphering LLMs: A Crash Course in Language Features",
    ),
    q("004", 306, "Charles Sanders Peirce, smart dude from the 1800s", None),
    q(
        "004",
        328,
        "you can't talk to a baby about theoretical physics",
        None,
        chapter="Exploring the Essence of Language and Communication",
    ),
    q("004", 340, "That's a bag of words model.", None),
    q(
        "004",
        466,
        "It's called BertViz on GitHub.",
        None,
        chapter="The Revolution of Attention Mechanisms and Transformers",
    ),
    q(
        "004",
        530,
        "comparing the Rain Man to an average human",
        None,
        chapter="Predicting the Future of Language Models and OpenAI's Position",
    ),
    q(
        "004",
        544,
        "It was an absolute pleasure to meet you both.",
        None,
        chapter="Concluding Thoughts and the Future of AI Research",
    ),
]


def quote_line(episode_id: str, quote: str) -> int:
    """The 1-based line where the quote really is in the source file (its first copy, for 003)."""
    lines = source_lines(FILES[episode_id])
    hits = [n for n, text in enumerate(lines, 1) if quote in text]
    assert hits, f"quote not in {FILES[episode_id]}: {quote!r}"
    first = hits[0]
    if episode_id == SHORT["003"]:
        assert first < DUPLICATE_FROM
        assert all(n >= DUPLICATE_FROM for n in hits[1:]), hits
    else:
        assert hits == [first], f"quote is not distinctive, lines {hits}: {quote!r}"
    return first


def test_quote_table_is_well_formed():
    from collections import Counter

    assert all(n >= 15 for n in Counter(p.values[0] for p in QUOTES).values())
    assert set(p.values[0] for p in QUOTES) == set(FILES)
    for p in QUOTES:
        episode_id, _, quote, *_ = p.values
        assert 15 <= len(quote) <= 60, quote
    forbidden_001 = {19, 20, 21, 99}
    assert not any(p.values[0] == SHORT["001"] and p.values[1] in forbidden_001 for p in QUOTES)


@pytest.mark.parametrize("episode_id, line, quote, speaker, start, chapter", QUOTES)
def test_quote_speaker_and_provenance(seed_turns, episode_id, line, quote, speaker, start, chapter):
    src = quote_line(episode_id, quote)
    assert src == line, f"hand-checked line {line}, but the quote is on line {src}"

    turns = seed_turns[episode_id]
    holders = [t for t in turns if quote in t.text]
    assert len(holders) == 1, [(t.turn, t.line) for t in holders]
    turn = holders[0]
    assert turn.source == FILES[episode_id]
    assert turn.speaker == speaker
    if start is not UNSET:
        assert turn.start == start
    if chapter is not UNSET:
        assert turn.chapter == chapter

    # Provenance: the quote's source line lies inside the turn's span of lines.
    assert turn.line <= src
    following = [t for t in turns if t.turn == turn.turn + 1]
    if following:
        assert src < following[0].line


# --- Page chrome ------------------------------------------------------------------------------
# Strings read off each file's navigation, show notes, bios, chapter lists and footers. None of
# them is speech, so none may survive into a turn's text. Each must really be in the source
# file, so the test cannot pass vacuously.
CHROME = {
    "000": [
        "Previous · All Episodes",
        "#16. Inside Hugging Face with Lewis Tunstall",
        "· 32:04",
        "View episode details",
        "Subscribe",
        "Listen to Humans of AI using one of many popular",
        "Spotify",
    ],
    "001": [
        "機器學習專家 - Lewis Tunstall",
        "🤗 歡迎來到機器學習專家",
        "為提供最佳閱讀體驗",
        "文字稿已稍作修改/重新排版",
    ],
    "002": [
        "Facilitating the Spread of Knowledge and Innovation",
        "Write for InfoQ",
        "Choose your language",
        "InfoQ Homepage Podcasts",
        "Bookmarks",
        "Live from the venue of the QCon London Conference",
        "Key Takeaways",
        "The Hugging face open source ecosystem for transformer",
        "Model cards describe how your model is trained",
        "I’m a Machine Learning Engineer working in the intersection",
        "Previously, I was a Software Engineer at Google",
        "I have expertise in education",
        "About the Author",
        "More about our podcasts",
        "You can keep up-to-date with the podcasts via our RSS Feed",
        "Spotify",
        "Rate this Article",
        "Hello stranger",
        "Register an InfoQ account",
        "Allowed html",
        "Community comments",
    ],
    "003": [
        "Player FM",
        "ポッドキャストアプリ",
        "エピソード",
        "シェア",
        "Manage episode 434592706",
        "https://ja.player.fm/legal",
        "Disclaimer: We recorded this episode",
        "Remember when of coined the GPU Rich vs GPU Poor war",
        "Cold Compress: a KV cache compression toolkit",
        "Claudette: a better Anthropic API SDK",
        "In this episode we broke down",
        "prompt engineering. I'm creating a system",  # the show notes' quote, not the transcript's
        "He explains it a bit more ~44:53 in the pod",
        "Timestamps",
        "[00:03:02] Continuous Pre-Training is Here",
        "[00:46:53] AI Magic & Dialogue Engineering",
        "Show Notes",
        "continue reading",
        "86 つのエピソード",
        "プレーヤーFMへようこそ",
    ],
    "004": [
        "podcast episode cover",
        "Apr 08, 2024",
        "--:--",
        "Download Metacast",
        "Listen to this episode in Metacast mobile app",
        "Don't just listen to podcasts.",
        "Episode description",
        "Decoding the Past, Present, and Future of Language Models",
        "Delve into the realm of language models",
        "0:00 Welcome to HockeyStick",
        "01:08 Meet the Experts: From Meetups to Authorship",
        "01:38:48 Concluding Thoughts",
        "Transcript source",
        # Chapter headings in the body are markers, not speech.
        "Unveiling the Power of Multilayer Perceptrons",
        "The Hall of Fame: Landmark Models in the LLM Landscape",
    ],
}


@pytest.mark.parametrize(
    "episode_id, chrome",
    [
        pytest.param(SHORT[f], s, id=f"{f}-{i}")
        for f, strings in CHROME.items()
        for i, s in enumerate(strings)
    ],
)
def test_no_page_chrome_in_turns(seed_turns, episode_id, chrome):
    assert chrome in "\n".join(source_lines(FILES[episode_id]))
    leaked = [t.turn for t in seed_turns[episode_id] if chrome in t.text]
    assert not leaked, f"{chrome!r} in turns {leaked}"


# --- Provenance of every turn -----------------------------------------------------------------
HEAD = 25


def starts_on_line(text: str, lines: tuple[str, ...], n: int) -> bool:
    """The turn's text begins on 1-based line n (after any label): its first HEAD characters are
    on that line, or the line ends with the start of them and the next non-blank line goes on
    with the rest (a short line joined to the paragraph that follows it)."""
    head = text.strip()[:HEAD]
    line = lines[n - 1].rstrip()
    if head in line:
        return True
    for cut in range(len(head) - 1, 0, -1):
        if line.endswith(head[:cut]) and len(head[:cut].strip()) >= 3:
            rest = head[cut:].strip()
            nxt = next((ln.strip() for ln in lines[n:] if ln.strip()), "")
            rest_words = re.sub(r"\s+", " ", rest)
            if nxt.startswith(rest_words) or rest_words.startswith(nxt):
                return True
    return False


def test_every_turn_starts_on_its_source_line(seed_turns):
    wrong = []
    for episode_id, turns in seed_turns.items():
        assert turns
        for t in turns:
            assert t.source == FILES[episode_id]
            lines = source_lines(t.source)
            if not starts_on_line(t.text, lines, t.line):
                wrong.append((episode_id, t.turn, t.line, t.text.strip()[:HEAD]))
    assert not wrong, wrong

"""Robustness of ingest: each input ingests correctly or fails with one line naming the file.

Each case is a real file in tmp_path, ingested through the CLI in-process (`run_cli`), and the
store is then read back through the library.
"""

from __future__ import annotations

import codecs
import os
import time
from pathlib import Path

import pytest

from podkb.ingest import pipeline
from podkb.store import Store

# Each label is used twice: a label seen once is not trusted (README, "Speaker labels").
CONVERSATION = (
    "Host: Welcome to the show.\nGuest: Thanks for having me.\n"
    "Host: Let us begin.\nGuest: Ready when you are.\n"
)
CONVERSATION_TURNS = [
    ("Host", "Welcome to the show."),
    ("Guest", "Thanks for having me."),
    ("Host", "Let us begin."),
    ("Guest", "Ready when you are."),
]


def ingest(run_cli, tmp_path: Path, *paths: Path | str, extra: tuple[str, ...] = ()):
    db = tmp_path / "kb.db"
    code, out, err = run_cli(
        "ingest", "--db", str(db), "--format", "json", *extra, *map(str, paths)
    )
    assert "Traceback" not in err
    return code, out, err, db


def turns_of(db: Path) -> list[tuple[str | None, str]]:
    with Store(db, create=False) as store:
        return [(t.speaker, t.text) for t in store.turns()]


def assert_one_error_line(err: str, path: Path | str, *words: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"podkb: {path}: "), err
    for word in words:
        assert word in lines[0], err
    return lines[0]


# --- files that cannot be read: one line, exit 2 --------------------------------------------------


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("empty.txt", b"", ["empty file"]),
        ("blank.txt", b"  \n\r\n\t\n", ["empty file"]),
        ("bom_only.txt", b"\xef\xbb\xbf", ["empty file"]),
        ("bom_blank.txt", b"\xff\xfe \x00\n\x00", ["empty file"]),
        (
            "image.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 8,
            ["binary"],
        ),
        ("utf16-no-bom.txt", CONVERSATION.encode("utf-16-le"), ["UTF-16", "--encoding utf-16-le"]),
        (
            "utf16be-no-bom.txt",
            CONVERSATION.encode("utf-16-be"),
            ["UTF-16", "--encoding utf-16-be"],
        ),
        ("random.txt", bytes((i * 7919 + 13) % 128 + 128 for i in range(4000)), ["--encoding"]),
        ("controls.txt", b"\x01\x02\x03\x1b[2J\x7f\n", ["no transcript turns"]),
        ("bad-bom.txt", codecs.BOM_UTF16_LE + b"H\x00i", ["utf-16"]),
    ],
)
def test_unreadable_file_fails_with_one_line(run_cli, tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err, db = ingest(run_cli, tmp_path, path)
    assert code == 2
    assert_one_error_line(err, path, *words)
    assert turns_of(db) == []


def test_nonexistent_path_is_one_failure_and_the_rest_land(run_cli, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(CONVERSATION)
    missing = tmp_path / "missing.txt"
    code, out, err, db = ingest(run_cli, tmp_path, missing, good)
    assert code == 2
    assert_one_error_line(err, missing, "No such file")
    assert turns_of(db) == CONVERSATION_TURNS


def test_several_files_good_ones_land_and_exit_code_says_some_failed(run_cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(CONVERSATION)
    (folder / "b.txt").write_bytes(b"")
    (folder / "c.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (folder / "d.txt").write_text(CONVERSATION.replace("show", "programme"))
    code, out, err, db = ingest(run_cli, tmp_path, folder)
    assert code == 2
    lines = err.strip().splitlines()
    assert [line.split(": ")[1] for line in lines] == [str(folder / "b.txt"), str(folder / "c.txt")]
    import json

    summary = json.loads(out)
    assert (summary["ingested"], summary["failed"]) == (2, 2)
    with Store(db, create=False) as store:
        assert store.counts()["episodes"] == 2


# --- encodings that are read correctly ------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding, bom",
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
    ],
)
def test_unicode_encodings_with_and_without_bom(run_cli, tmp_path, encoding, bom):
    path = tmp_path / "t.txt"
    path.write_bytes(bom + CONVERSATION.encode(encoding))
    code, out, err, db = ingest(run_cli, tmp_path, path)
    assert code == 0, err
    # The BOM never glues itself to the first speaker ("\ufeffHost").
    assert turns_of(db) == CONVERSATION_TURNS


def test_utf16_without_bom_ingests_with_the_encoding_the_error_suggests(run_cli, tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(CONVERSATION.encode("utf-16-le"))
    code, _, err, _ = ingest(run_cli, tmp_path, path)
    assert code == 2 and "--encoding utf-16-le" in err
    code, _, err, db = ingest(run_cli, tmp_path, path, extra=("--encoding", "utf-16-le"))
    assert code == 0, err
    assert turns_of(db) == CONVERSATION_TURNS


def test_bom_in_the_middle_of_the_text_is_dropped(run_cli, tmp_path):
    path = tmp_path / "joined.txt"
    path.write_bytes(
        codecs.BOM_UTF8
        + b"Host: One.\nGuest: Two.\n"
        + codecs.BOM_UTF8
        + b"Host: Three.\nGuest: Four.\n"
    )
    code, _, err, db = ingest(run_cli, tmp_path, path)
    assert code == 0, err
    assert [s for s, _ in turns_of(db)] == ["Host", "Guest", "Host", "Guest"]


def test_unknown_encoding_is_one_usage_error(run_cli, tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(CONVERSATION)
    code, _, err, _ = ingest(run_cli, tmp_path, path, extra=("--encoding", "klingon"))
    assert code == 2
    assert err.strip().splitlines() == [
        "podkb: unknown encoding 'klingon' (e.g. utf-8, utf-16-le, gb18030, big5)"
    ]


SIMPLIFIED = [
    "主持人：你好\n嘉宾：你好\n",
    "主持人：你好",
    "主持人：欢迎收听。\n嘉宾：谢谢邀请，很高兴来到这里。\n",
    "我们今天聊聊人工智能",
    "这是一个测试",
    "中国",
]
TRADITIONAL = [
    "主持人：你好\n來賓：你好\n",
    "主持人：你好",
    "主持人：歡迎收聽。\n來賓：謝謝邀請，很高興來到這裡。\n",
    "我們今天聊聊人工智慧",
    "機器學習專家",
    "我們",
]


@pytest.mark.parametrize(
    "encoding, text, expected",
    [("gbk", t, "gb18030") for t in SIMPLIFIED] + [("big5", t, "big5") for t in TRADITIONAL],
)
def test_short_gbk_and_big5_decode_as_their_own_script(encoding, text, expected):
    from podkb.ingest.decode import decode_bytes

    decoded = decode_bytes(text.encode(encoding), path="x.txt")
    assert (decoded.encoding, decoded.text) == (expected, text)


@pytest.mark.parametrize(
    "text",
    [
        "진행자: 안녕하세요, 오늘 팟캐스트에 오신 것을 환영합니다.\n게스트: 네, 감사합니다.\n",
        "오늘은 인공지능에 대해 이야기해 보겠습니다.",
    ],
)
def test_korean_in_euc_kr_is_not_read_as_chinese(text):
    from podkb.ingest.decode import decode_bytes

    decoded = decode_bytes(text.encode("euc-kr"), path="x.txt")
    assert (decoded.encoding, decoded.text) == ("euc_kr", text)


@pytest.mark.parametrize(
    "data",
    [
        "谢谢".encode("gbk"),  # also valid UTF-8: "лл"
        "学习".encode("gbk"),  # also valid UTF-8: "ѧϰ"
        "謝謝".encode("big5"),  # also valid GB18030: "谅谅"
        "學習".encode("big5"),  # also valid GB18030: "厩策"
        "中國".encode("big5"),  # also valid EUC-KR: "ㄴ곌"
        "为Transformers".encode("gbk"),  # also valid UTF-8: "ΪTransformers"
        "什么".encode("gbk"),  # also valid UTF-8: "ʲô"
        "former模".encode("gbk"),  # also valid UTF-8: "formerģ"
    ],
)
def test_ambiguous_short_chinese_is_refused_not_guessed(data):
    from podkb.errors import InputError
    from podkb.ingest.decode import decode_bytes

    with pytest.raises(InputError, match="ambiguous encoding.*--encoding") as exc:
        decode_bytes(data, path="x.txt")
    assert str(exc.value).startswith("x.txt: ")


def test_short_chinese_ingests_through_the_cli(run_cli, tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(
        "主持人：欢迎收听。\n嘉宾：谢谢邀请。\n主持人：开始吧。\n嘉宾：好的。\n".encode("gbk")
    )
    big5 = tmp_path / "big5.txt"
    big5.write_bytes(
        "主持人：歡迎收聽。\n來賓：謝謝邀請。\n主持人：開始吧。\n來賓：好的。\n".encode("big5")
    )
    code, _, err, db = ingest(run_cli, tmp_path, gbk, big5)
    assert code == 0, err
    texts = {text for _, text in turns_of(db)}
    assert {"欢迎收听。", "谢谢邀请。", "歡迎收聽。", "謝謝邀請。"} <= texts


@pytest.mark.parametrize(
    "text",
    ["café crème", "Host: It’s “fine”.\nGuest: Ça va, naïve résumé.\n"],
)
def test_windows_1252(text):
    from podkb.ingest.decode import decode_bytes

    decoded = decode_bytes(text.encode("cp1252"), path="x.txt")
    assert (decoded.encoding, decoded.text) == ("cp1252", text)


@pytest.mark.parametrize(
    "text",
    [
        "café",
        "Ведущий: Привет, как дела?",
        "naïve résumé",
        "Καλημέρα σας",
        "Dzień dobry, się ma.",
        "Host: Kraków.\nGuest: Gdańsk.\n",
        '{"episode_id": "e", "turn": 0, "text": "á", "line": 1}',  # a JSON lines export
        "Price: £5, 5 °C, « Bonjour »",
        "Tiếng Việt",
    ],
)
def test_utf8_with_two_byte_characters_stays_utf8(text):
    from podkb.ingest.decode import decode_bytes

    assert decode_bytes(text.encode("utf-8"), path="x.txt").encoding == "utf-8"


def test_a_stray_nul_in_utf8_text_is_dropped(run_cli, tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(CONVERSATION.encode().replace(b"show", b"sh\x00ow"))
    code, _, err, db = ingest(run_cli, tmp_path, path)
    assert code == 0, err
    assert "Welcome to the show." in {t for _, t in turns_of(db)}


# --- newlines and breaks inside a turn ------------------------------------------------------------


def test_mixed_newlines_give_the_same_turns_and_lines(run_cli, tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"Host: One.\r\nGuest: Two.\rHost: Three.\nGuest: Four.\r\n")
    code, _, err, db = ingest(run_cli, tmp_path, path)
    assert code == 0, err
    with Store(db, create=False) as store:
        assert [(t.speaker, t.text, t.line) for t in store.turns()] == [
            ("Host", "One.", 1),
            ("Guest", "Two.", 2),
            ("Host", "Three.", 3),
            ("Guest", "Four.", 4),
        ]


@pytest.mark.parametrize("brk", ["\u2028", "\u2029", "\x0c", "\x0b", "\x85", "\x1c", "\x1e"])
def test_soft_breaks_inside_a_turn_do_not_cut_it(run_cli, tmp_path, brk):
    path = tmp_path / "soft.txt"
    path.write_text(
        f"Host: first half{brk}second half.\nGuest: Yes.\nHost: Good.\nGuest: Fine.\n",
        encoding="utf-8",
    )
    code, _, err, db = ingest(run_cli, tmp_path, path)
    assert code == 0, err
    speaker, text = turns_of(db)[0]
    assert speaker == "Host"
    assert text.startswith("first half") and text.endswith("second half.")
    assert brk not in text


# --- size -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_multi_megabyte_single_line_ingests_in_reasonable_time(run_cli, tmp_path):
    path = tmp_path / "long.txt"
    words = "so we trained the model on more data and it got better at the task ".split()
    body = " ".join(words[i % len(words)] for i in range(600_000))  # about 3 MB on one line
    line = f"So: {body}."
    path.write_text(line)
    started = time.monotonic()
    code, _, err, db = ingest(run_cli, tmp_path, path)
    assert code == 0, err
    assert time.monotonic() - started < 30
    assert turns_of(db) == [(None, line)]  # "So" is not a name: no invented speaker


@pytest.mark.parametrize(
    "line",
    [
        "Name" + " " * 50_000 + "x",  # label-shaped start, then a run of spaces (was minutes)
        "listen to " + "x on " * 20_000,  # chrome pattern with two .* runs
        "# " + " " * 50_000 + "x",
        "[" * 50_000,
        ":" * 50_000,
    ],
)
def test_pathological_lines_are_read_in_linear_time(line):
    from podkb.ingest.detect import read_transcript

    started = time.monotonic()
    read_transcript(f"Host: hello.\n{line}\nGuest: bye.\n")
    assert time.monotonic() - started < 5


def test_a_100_mb_file_is_refused_quickly_and_the_others_land(run_cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    big = folder / "big.txt"
    with big.open("wb") as f:  # 100 MB of real text would take CI minutes to write: sparse file
        f.truncate(100 * 2**20)
    (folder / "small.txt").write_text(CONVERSATION)
    started = time.monotonic()
    code, _, err, db = ingest(run_cli, tmp_path, folder)
    assert time.monotonic() - started < 10
    assert code == 2
    assert_one_error_line(err, big, "file too large", "100 MiB", "16 MiB")
    assert turns_of(db) == CONVERSATION_TURNS


def test_size_limit_holds_even_if_the_size_changes_after_stat(tmp_path, monkeypatch):
    from podkb.errors import InputError

    monkeypatch.setattr(pipeline, "MAX_FILE_BYTES", 100)
    path = tmp_path / "t.txt"
    path.write_text("x" * 50)
    real_stat = Path.stat

    def shrinking_stat(self, *a, **k):  # the file grows between stat() and read()
        st = real_stat(self, *a, **k)
        path.write_text("x" * 500)
        return st

    monkeypatch.setattr(Path, "stat", shrinking_stat)
    with pytest.raises(InputError, match="file too large"):
        pipeline.read_file_bytes(path)


# --- folders, links, special files ----------------------------------------------------------------


def test_nested_folders_hidden_and_other_files_skipped(tmp_path):
    root = tmp_path / "root"
    (root / "a" / "b" / "c").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a" / "b" / "c" / "deep.txt").write_text(CONVERSATION)
    (root / "a" / "top.md").write_text(CONVERSATION)
    (root / ".hidden" / "secret.txt").write_text(CONVERSATION)
    (root / "a" / "notes.pdf").write_bytes(b"%PDF")
    (root / "a" / ".dot.txt").write_text(CONVERSATION)
    found = pipeline.discover([root])
    assert [p.relative_to(root).as_posix() for p in found] == ["a/top.md", "a/b/c/deep.txt"]


def test_symlink_loops_terminate_and_files_are_read_once(run_cli, tmp_path):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "t.txt").write_text(CONVERSATION)
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "sub" / "alias.txt").symlink_to(root / "sub" / "t.txt")
    (root / "self.txt").symlink_to(root / "self.txt")  # a link to itself
    code, _, err, db = ingest(run_cli, tmp_path, root, root / "sub" / "t.txt")
    assert code == 2
    assert_one_error_line(err, root / "self.txt", "symbolic links")
    with Store(db, create=False) as store:
        assert store.counts()["episodes"] == 1


def test_a_named_pipe_is_refused_instead_of_hanging(run_cli, tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text(CONVERSATION)
    code, _, err, db = ingest(run_cli, tmp_path, tmp_path)
    assert code == 2
    assert_one_error_line(err, fifo, "not a regular file")
    assert turns_of(db) == CONVERSATION_TURNS


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_and_folder_by_permissions(run_cli, tmp_path):
    root = tmp_path / "root"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "t.txt").write_text(CONVERSATION)
    (root / "secret.txt").write_text(CONVERSATION)
    (root / "good.txt").write_text(CONVERSATION)
    (root / "secret.txt").chmod(0)
    (root / "locked").chmod(0)
    try:
        code, _, err, db = ingest(run_cli, tmp_path, root)
    finally:
        (root / "locked").chmod(0o755)
    assert code == 2
    assert (
        "Permission denied" in err
        and str(root / "secret.txt") in err
        and str(root / "locked") in err
    )
    assert turns_of(db) == CONVERSATION_TURNS


def test_unreadable_file_and_folder(run_cli, tmp_path, monkeypatch):
    """The same as above for any user: reading and listing fail with EACCES."""
    root = tmp_path / "root"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "t.txt").write_text(CONVERSATION)
    (root / "secret.txt").write_text(CONVERSATION)
    (root / "good.txt").write_text(CONVERSATION)
    real_open, real_scandir, real_listdir = Path.open, os.scandir, os.listdir

    def deny(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(
        Path,
        "open",
        lambda self, *a, **k: deny(self) if self.name == "secret.txt" else real_open(self, *a, **k),
    )
    monkeypatch.setattr(
        os, "scandir", lambda p=".": deny(p) if str(p).endswith("locked") else real_scandir(p)
    )
    monkeypatch.setattr(
        os, "listdir", lambda p=".": deny(p) if str(p).endswith("locked") else real_listdir(p)
    )
    code, _, err, db = ingest(run_cli, tmp_path, root)
    assert code == 2
    lines = sorted(err.strip().splitlines())
    assert lines == [
        f"podkb: {root / 'locked'}: cannot read: Permission denied",
        f"podkb: {root / 'secret.txt'}: cannot read: Permission denied",
    ]
    assert turns_of(db) == CONVERSATION_TURNS


def test_a_reader_bug_fails_only_its_file(run_cli, tmp_path, monkeypatch):
    from podkb.ingest import pipeline as pl

    real = pl.read

    def flaky(text, ctx):
        if "boom" in text:
            raise IndexError("list index out of range")
        return real(text, ctx)

    monkeypatch.setattr(pl, "read", flaky)
    bad = tmp_path / "bad.txt"
    bad.write_text("Host: boom.\nGuest: boom.\nHost: boom.\nGuest: boom.\n")
    good = tmp_path / "good.txt"
    good.write_text(CONVERSATION)
    code, _, err, db = ingest(run_cli, tmp_path, bad, good)
    assert code == 2
    assert_one_error_line(err, bad, "IndexError", "please report it")
    assert turns_of(db) == CONVERSATION_TURNS


def test_a_store_failure_mid_episode_leaves_no_partial_episode(tmp_path, monkeypatch):
    """A failure while one episode is being written: that file fails, no half episode stays."""
    from podkb.ingest import ingest_paths
    from podkb.store import Store as S

    real_put = S.put_episode

    def put_then_fail(self, episode, turns, **kw):
        n = real_put(self, episode, turns, **kw)
        if episode.source == "bad.txt":
            raise ValueError("simulated failure after the rows were written")
        return n

    monkeypatch.setattr(S, "put_episode", put_then_fail)
    (tmp_path / "bad.txt").write_text(CONVERSATION)
    (tmp_path / "good.txt").write_text(CONVERSATION.replace("show", "programme"))
    with S(tmp_path / "kb.db") as store:
        report = ingest_paths([tmp_path / "bad.txt", tmp_path / "good.txt"], store)
        assert [f.error is None for f in report.files] == [False, True]
        assert store.counts()["turns"] == 4
        assert store.conn.execute("SELECT count(*) FROM turn_index").fetchone()[0] == 4
        assert [e.source for e in store.episodes()] == ["good.txt"]

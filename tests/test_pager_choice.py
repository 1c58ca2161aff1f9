"""Which pager podkb runs, and what happens to the text when it cannot or does not page: the
environment decides ($PODKB_PAGER over $PAGER, an empty value or `cat` turn paging off, a
program that is not installed is no pager), and the text is never lost to a pager that fails."""

from __future__ import annotations

import shutil
import signal

import pytest

from podkb import pager

LESS = shutil.which("less")


@pytest.fixture()
def clean_env(monkeypatch):
    for name in ("PODKB_PAGER", "PAGER", pager.PAGER_RUNNING):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# (PODKB_PAGER, PAGER) -> the argv run, or None: no pager
CHOICES = [
    ((None, None), ["less", "-R"]),
    ((None, "less -R -F"), ["less", "-R", "-F"]),
    (("sh -c 'cat'", "less"), ["sh", "-c", "cat"]),  # podkb's own variable wins
    (("", "less"), None),  # set but empty: paging off, $PAGER is not consulted
    ((None, ""), None),
    ((None, "cat"), None),
    ((None, "cat -v"), None),
    ((None, "no-such-pager-podkb"), None),  # not installed
    ((None, "less '-R"), None),  # a quote left open: not a command line
    (("   ", "less"), None),  # only spaces: nothing to run
]


@pytest.mark.skipif(LESS is None, reason="less is not installed")
@pytest.mark.parametrize("env, argv", CHOICES, ids=[repr(e) for e, _ in CHOICES])
def test_the_pager_comes_from_the_environment(clean_env, env, argv):
    podkb_pager, pager_var = env
    if podkb_pager is not None:
        clean_env.setenv("PODKB_PAGER", podkb_pager)
    if pager_var is not None:
        clean_env.setenv("PAGER", pager_var)
    assert pager.pager_command() == argv


def test_inside_a_pager_podkb_never_pages_again(clean_env):
    clean_env.setenv("PAGER", "sh")
    assert pager.pager_command() == ["sh"]
    clean_env.setenv(pager.PAGER_RUNNING, "1")
    assert pager.pager_command() is None


def test_a_pager_that_fails_says_so_and_the_text_is_written_anyway(capsys):
    pager.run_pager(["false"], "line one\nline two\n")
    out, err = capsys.readouterr()
    assert out == "line one\nline two\n"
    assert err == (
        "podkb: the pager 'false' failed (exit 1); here is the output without it "
        "(--no-pager, or PODKB_PAGER=cat, to skip it)\n"
    )


def test_a_pager_that_cannot_start_leaves_the_text_on_stdout(capsys, tmp_path):
    pager.run_pager([str(tmp_path / "no-such-program")], "all of it\n")
    assert capsys.readouterr() == ("all of it\n", "")


def test_a_pager_gets_the_whole_text_in_utf8_and_podkb_writes_none_of_it(capsys, tmp_path):
    seen = tmp_path / "seen.txt"
    text = "王小明: 你好\nLewis: hi \u2014 there\n" * 50
    pager.run_pager(["sh", "-c", f'cat > "{seen}"; echo "$PODKB_PAGER_RUNNING" >> "{seen}"'], text)
    assert capsys.readouterr() == ("", "")
    assert seen.read_bytes() == (text + "1\n").encode("utf-8")  # and it knows it is a pager


def test_a_pager_killed_by_a_signal_is_not_a_failure(capsys):
    pager.run_pager(["sh", "-c", "kill -TERM $$"], "text\n")
    assert capsys.readouterr() == ("", "")  # the person ended it: nothing is written twice


def test_ctrl_c_belongs_to_the_pager_only_while_it_runs(capsys):
    """less uses Ctrl-C to stop a search: while it runs, a Ctrl-C (which the terminal sends to
    podkb too) must not end podkb; once it has exited, podkb's own handler is back."""
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        pager.run_pager(["sh", "-c", "kill -INT $PPID; sleep 0.2; cat > /dev/null"], "x\n")
        assert caught == []
        handler = signal.getsignal(signal.SIGINT)
        assert callable(handler) and handler is not signal.SIG_IGN
        signal.raise_signal(signal.SIGINT)
        assert caught == [signal.SIGINT]
    finally:
        signal.signal(signal.SIGINT, previous)
    assert capsys.readouterr() == ("", "")


def _render(console):
    for n in range(200):
        console.print(f"row {n}")


def test_a_forced_terminal_that_is_not_a_tty_gets_no_pager(clean_env, capsys, tmp_path):
    """PODKB_FORCE_TERMINAL (tests, `script`) makes the people's form, but a pager needs a
    real terminal on stdout: the text is written as it is."""
    record = tmp_path / "paged.txt"
    clean_env.setenv("PAGER", f"sh -c 'cat > {record}'")
    clean_env.setenv("PODKB_FORCE_TERMINAL", "1")
    pager.emit(_render)
    out, _ = capsys.readouterr()
    assert out.splitlines() == [f"row {n}" for n in range(200)]
    assert not record.exists()


def test_without_a_terminal_use_pager_false_renders_straight(clean_env, capsys):
    clean_env.setenv("PAGER", "false")
    pager.emit(_render, use_pager=False)
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 200 and err == ""

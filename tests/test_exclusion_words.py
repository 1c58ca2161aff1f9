"""`-word` on the command line excludes a word, as the README's query syntax says, in every
command that takes query words; short options keep every form click gives them."""

import json

import pytest

from podkb.cli_run import exclusions_kept


def _hits(run_cli, db, command: str, *words: str) -> list[tuple[str, int]]:
    code, out, err = run_cli(command, "--db", str(db), "-n", "0", "--format", "json", *words)
    assert code == 0, err
    return [(h["episode_id"], h["turn"]) for h in json.loads(out)]


@pytest.mark.parametrize(
    ("command", "words"),
    [("search", ["model"]), ("quotes", ["Lewis Tunstall", "evaluation"])],
)
def test_a_dashed_word_excludes_it_as_not_does(run_cli, seed_db, command, words):
    excluded = _hits(run_cli, seed_db, command, *words, "-benchmark")
    with_not = _hits(run_cli, seed_db, command, *words, "NOT", "benchmark")
    after_dashes = _hits(run_cli, seed_db, command, "--", *words, "-benchmark")
    every = _hits(run_cli, seed_db, command, *words)
    assert excluded == with_not == after_dashes
    assert len(excluded) < len(every)


def test_a_dashed_word_is_never_read_as_the_episode_option(run_cli, seed_db):
    # click reads `-evaluation` as `-e valuation`: "no episode 'valuation'", exit 2.
    code, _, err = run_cli("search", "model", "-evaluation", "--db", str(seed_db))
    assert code == 0, err
    assert "episode" not in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["search", "a", "-word"], ["search", "a", "NOT", "word"]),
        (["search", "-n5", "a"], ["search", "-n5", "a"]),
        (["search", "a", "-n", "5", "-e", "ep"], ["search", "a", "-n", "5", "-e", "ep"]),
        (["search", "a", "-x"], ["search", "a", "-x"]),
        (["search", "--", "a", "-word"], ["search", "--", "a", "-word"]),
        (["export", "a", "-模型"], ["export", "a", "NOT", "模型"]),
        (["episodes", "-word"], ["episodes", "-word"]),
        (["search", "a", "--full"], ["search", "a", "--full"]),
    ],
)
def test_only_words_after_one_dash_in_query_commands_change(args, expected):
    assert exclusions_kept(args) == expected

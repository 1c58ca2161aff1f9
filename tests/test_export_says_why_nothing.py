"""An export that matches no turn exits 1 with one line saying why: the filters kept nothing, or
the query matched nothing, and when that query is (a prefix of) an episode's id, how to export
that episode instead. The hint is advice a script needs too, so -q keeps it; the plain notes
are for people and -q silences them. Nothing is written to stdout."""

from __future__ import annotations

import json

import pytest

LATENT = "latent-space-jeremy-howard-answer-ai"

# args -> stderr (without -q)
NOTHING = [
    (["zzzqqq"], "podkb: no turns match the query 'zzzqqq'\n"),
    (
        [LATENT],
        f"podkb: no turns match the query '{LATENT}'; to export one episode use --episode {LATENT}\n",
    ),
    (
        ["ml-experts-lewis"],  # a prefix of an id
        "podkb: no turns match the query 'ml-experts-lewis'; to export one episode use "
        "--episode ml-experts-lewis\n",
    ),
    # --episode given: the query was meant as a query, so no hint.
    (["--episode", "infoq", LATENT], f"podkb: no turns match the query '{LATENT}'\n"),
    (["--speaker", "Sheikh Shuvo", "--lang", "zh-Hant"], "podkb: no turns match the filters\n"),
]


@pytest.mark.parametrize("args, err", NOTHING, ids=[" ".join(a) for a, _ in NOTHING])
def test_nothing_to_export_says_why(run_cli, seed_db, args, err):
    code, out, got = run_cli("export", *args, "--db", str(seed_db))
    assert (code, out, got) == (1, "", err)


@pytest.mark.parametrize("args, err", NOTHING, ids=[" ".join(a) for a, _ in NOTHING])
def test_quiet_keeps_only_the_hint(run_cli, seed_db, args, err):
    code, out, got = run_cli("-q", "export", *args, "--db", str(seed_db))
    hint = "to export one episode use" in err
    assert (code, out, got) == (1, "", err if hint else "")


def test_the_hinted_command_exports_that_episode(run_cli, seed_db):
    code, out, err = run_cli("export", "--episode", LATENT, "--db", str(seed_db))
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert {r["episode_id"] for r in rows} == {LATENT} and len(rows) == 58


def test_nothing_to_export_into_a_folder_makes_no_folder(run_cli, seed_db, tmp_path):
    folder = tmp_path / "out"
    code, out, err = run_cli("export", LATENT, "--out", str(folder), "--db", str(seed_db))
    assert (code, out) == (1, "")
    assert err == (
        f"podkb: no turns match the query '{LATENT}'; to export one episode use --episode {LATENT}\n"
    )
    assert not folder.exists()

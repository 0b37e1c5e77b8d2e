"""entente.games: reading, solvers, exact equilibria as Fractions; equal to the CLI."""
from __future__ import annotations

from fractions import Fraction

import pytest

import entente
from entente import games
from conftest import SOURCE, cli_json

GAMES = SOURCE / "tests" / "data" / "games"


def test_kuhn_poker_value_is_minus_one_eighteenth():
    # Kuhn (1950): the value of his simplified poker is -1/18 to the first player
    # (tests/data/games/SOURCES.md; README: `games solve openspiel_kuhn_poker.efg --solver lcp`).
    g = games.load(GAMES / "openspiel_kuhn_poker.efg")
    assert g.kind == "extensive" and len(g.players) == 2
    sol = games.solve(g, "lcp")
    assert sol.complete and len(sol) >= 1
    eq = sol.equilibria[0]
    assert eq.exact
    assert eq.payoffs == [Fraction(-1, 18), Fraction(1, 18)]
    assert eq.payoffs_float[0] == pytest.approx(-1 / 18)
    for player in eq.profile.values():
        for infoset in player.values():
            assert sum(infoset.values()) == 1
            assert all(isinstance(p, Fraction) for p in infoset.values())


def test_solve_document_equals_the_clis():
    path = GAMES / "gambit_selten_fig2.nfg"
    expected = cli_json("games", "solve", str(path), "--solver", "enummixed")
    got = games.solve(str(path), "enummixed")
    assert got.document == expected
    assert games.load(path).kind == "strategic"


def test_solvers_and_errors():
    names = {s["name"] for s in games.solvers()}
    assert {"backward-induction", "enumpure", "enummixed", "lcp", "logit", "enumpoly",
            "simpdiv", "gnm"} <= names
    with pytest.raises(entente.UsageError, match="unknown solver .lpc.; available"):
        games.solve(GAMES / "openspiel_kuhn_poker.efg", "lpc")
    with pytest.raises(entente.InputError) as caught:
        games.load('EFG 2 R "broken" { "A" }\nnot a game\n')
    assert caught.value.diagnostics[0].line >= 1


def test_game_text_round_trip():
    g = games.load(GAMES / "deterrence.efg")
    again = games.load(g.to_text())
    assert again.players == g.players and again.title == g.title


def test_approximate_and_non_isolated_equilibria():
    # The Nau, Gomez Canovas and Hansen (2004) game's only equilibrium is irrational
    # (q = (-13 + sqrt(601)) / 24 for player 2, derived in tests/games/nplayer_test.cpp).
    sol = games.solve(GAMES / "nau_gomez_canovas_hansen_2x2x2.nfg", "simpdiv")
    (eq,) = sol.equilibria
    assert eq.approximate and not eq.exact
    assert eq.max_regret < 1e-9
    assert eq.profile["Player 2"]["1"] == pytest.approx((-13 + 601 ** 0.5) / 24, abs=1e-9)
    assert "max_regret=" in repr(eq)
    # gnm reaches it too, on every ray; its options pass through as a mapping.
    (gnm,) = games.solve(GAMES / "nau_gomez_canovas_hansen_2x2x2.nfg", "gnm",
                         {"seed": 3, "perturbations": 2}).equilibria
    assert gnm.approximate and gnm.max_regret < 1e-12
    assert gnm.profile["Player 2"]["1"] == pytest.approx((-13 + 601 ** 0.5) / 24, abs=1e-12)
    # Selten's horse: two pure equilibria and one point of each of its two continua.
    horse = games.solve(GAMES / "gambit_selten_horse.efg", "enumpoly")
    assert len(horse) == 4
    assert sum(e.non_isolated for e in horse.equilibria) == 2
    assert all(e.exact and not e.approximate and e.max_regret is None for e in horse.equilibria)

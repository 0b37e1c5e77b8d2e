"""entente.games: Gambit .efg and .nfg games, the equilibrium solvers, exact equilibria.

    >>> from entente import games
    >>> g = games.load("kuhn.efg")
    >>> sol = games.solve(g, "lcp")
    >>> sol.equilibria[0].payoffs          # [Fraction(-1, 18), Fraction(1, 18)]
"""
from __future__ import annotations

import os
from fractions import Fraction
from typing import Any, Mapping, Sequence

from . import _entente
from ._entente import Game

__all__ = ["Game", "load", "solvers", "solve", "Solution", "Equilibrium"]

Game.__module__ = "entente.games"


def load(path_or_text: "str | os.PathLike[str]") -> Game:
    """Reads a game from a .efg or .nfg file, or from its text (told apart by the first
    token). Raises entente.InputError with file:line:col diagnostics."""
    if isinstance(path_or_text, os.PathLike) or "\n" not in path_or_text:
        return _entente.read_game_file(os.fspath(path_or_text))
    return _entente.read_game_text(path_or_text)


def solvers() -> list[dict[str, Any]]:
    """The solvers: name, description, which games they take, exact or floating point, and
    their options (every solver takes max_seconds and max_memory)."""
    return _entente.solvers()


class Equilibrium:
    """One equilibrium: `profile` {player: {infoset: {action: p}}} (strategic games:
    {player: {strategy: p}}) and `payoffs` per player, as Fractions from exact solvers,
    else floats; `profile_float` and `payoffs_float` always as floats."""

    def __init__(self, item: dict[str, Any]):
        self.profile_float: dict[str, Any] = item["profile"]
        self.payoffs_float: list[float] = item["payoffs"]
        exact = item.get("exact")
        self.exact = exact is not None
        self.profile = _fractions(exact["profile"]) if exact else self.profile_float
        self.payoffs = [Fraction(p) for p in exact["payoffs"]] if exact else self.payoffs_float
        #: True for floating-point approximations (logit, simpdiv, enumpoly's irrational
        #: solutions); `max_regret` then says how far from an equilibrium (else None).
        self.approximate: bool = item.get("approximate", False)
        self.max_regret: float | None = item.get("max_regret")
        #: enumpoly: one point of a continuum of equilibria, not an isolated one.
        self.non_isolated: bool = item.get("non_isolated", False)

    def __repr__(self) -> str:
        extra = f", max_regret={self.max_regret:.3g}" if self.approximate else ""
        extra += ", non_isolated=True" if self.non_isolated else ""
        return f"Equilibrium(payoffs={self.payoffs!r}, profile={self.profile!r}{extra})"


def _fractions(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _fractions(v) for k, v in tree.items()}
    return Fraction(tree)


class Solution:
    """What a solver found: `equilibria`, whether it finished (`complete`; else `stopped`
    says which budget ran out) and the document `entente games solve --json` prints."""

    def __init__(self, document: dict[str, Any]):
        self.document = document
        self.equilibria = [Equilibrium(e) for e in document["equilibria"]]
        self.complete: bool = document["complete"]
        self.stopped: str | None = document.get("stopped")
        self.warning: str | None = document.get("warning")

    def __len__(self) -> int:
        return len(self.equilibria)

    def __repr__(self) -> str:
        return (f"<entente.games.Solution: {len(self.equilibria)} equilibria by "
                f"{self.document['solver']}{'' if self.complete else ' (incomplete)'}>")


def solve(game: "Game | str | os.PathLike[str]", solver: str = "lcp",
          options: "Mapping[str, Any] | Sequence[str] | None" = None,
          max_seconds: float | None = None, max_memory: str | None = None) -> Solution:
    """Solves a game, as `entente games solve --json` does. max_seconds (default 60) and
    max_memory ("512M"; default 2G) are the solver's budget: when one runs out, the
    equilibria found so far come back with complete=False. Ctrl-C takes effect when the
    solve ends (at the latest when max_seconds runs out)."""
    g = game if isinstance(game, Game) else load(game)
    return Solution(_entente.solve_game(g, solver, options, max_seconds, max_memory))

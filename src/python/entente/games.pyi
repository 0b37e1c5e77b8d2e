# Type stubs of entente.games (docs/python.md#games).
import os
from fractions import Fraction
from typing import Any, Mapping, Sequence

from ._entente import Game as Game

def load(path_or_text: str | os.PathLike[str]) -> Game: ...
def solvers() -> list[dict[str, Any]]: ...

class Equilibrium:
    profile: dict[str, Any]
    profile_float: dict[str, Any]
    payoffs: list[Fraction] | list[float]
    payoffs_float: list[float]
    exact: bool

class Solution:
    document: dict[str, Any]
    equilibria: list[Equilibrium]
    complete: bool
    stopped: str | None
    warning: str | None
    def __len__(self) -> int: ...

def solve(game: Game | str | os.PathLike[str], solver: str = "lcp",
          options: Mapping[str, Any] | Sequence[str] | None = None,
          max_seconds: float | None = None, max_memory: str | None = None) -> Solution: ...

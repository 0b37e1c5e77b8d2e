// Refinements of equilibria of extensive games: which information sets a profile reaches,
// the game's subgames, and whether a behaviour profile is subgame perfect (docs/games.md).
#pragma once

#include <vector>

#include "entente/games.hpp"

namespace entente::games {

// Per infoset (indexed like game.infosets()): whether play reaches it under `profile`, i.e.
// some member node is reached with positive probability. Decided from which probabilities
// are zero, so it is exact for exact and floating-point profiles alike (no underflow on
// deep trees). Chance infosets are included.
std::vector<bool> reached_infosets(const ExtensiveGame& game, const Profile& profile);

// Per infoset: whether its own player's strategy avoids it, i.e. on the path to every member
// node the player takes some action with probability 0. The player's choice there then
// changes nothing given her own strategy: a reduced-form strategy leaves it open ("*"), and
// the numbers a profile holds there are a convention, not part of the equilibrium. False for
// chance infosets.
std::vector<bool> avoided_by_own_play(const ExtensiveGame& game, const Profile& profile);

// The roots of the game's subgames, the root (node 0) first, then in prefix order: a
// non-terminal node whose infoset holds it alone and whose descendants' infosets hold only
// its descendants. Subgames may contain imperfect information. Linear in the tree's size.
std::vector<int> subgame_roots(const ExtensiveGame& game);

struct SubgamePerfection {
  // True when the profile's restriction to every subgame is a Nash equilibrium of it.
  bool perfect = false;
  // When not perfect: the first subgame root (prefix order) where some player gains by
  // deviating, the player (1..n) and her gain. -1 when perfect.
  int root = -1;
  int player = 0;
  double gain = 0;
  // When not perfect: true when that subgame holds an infoset its own player's strategy
  // avoids in the whole game (avoided_by_own_play), so the verdict rests on numbers a
  // reduced-form solver filled in by convention (uniform play): another completion of the
  // same equilibrium might be subgame perfect.
  bool rests_on_open_choices = false;
};

// Whether `profile` is subgame perfect: in every subgame (subgame_roots), every player's
// payoff from the profile equals her best-response payoff against the others' behaviour
// there. Exact profiles are checked in exact arithmetic; floating-point ones (logit) up to
// `tolerance` times the game's payoff range. Work: the sum of the subgames' sizes times the
// number of players. Throws std::invalid_argument when the game lacks perfect recall (best
// responses in behaviour strategies need it) or the profile does not fit the game.
SubgamePerfection subgame_perfection(const ExtensiveGame& game, const Profile& profile,
                                     double tolerance = 1e-6);

}  // namespace entente::games

// Refinements of equilibria of extensive games: which information sets a profile reaches,
// the game's subgames, and whether a behaviour profile is subgame perfect (docs/games.md).
#pragma once

#include <optional>
#include <string>
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

// A subgame-perfect completion of an exact profile: the same profile with pure choices at
// the infosets `open` marks (indexed like game.infosets(); those its players' own strategies
// avoid, so the profile's payoffs and its Nash property do not change), the first in the
// order of the choices that subgame_perfection accepts. nullopt when none of the pure
// completions tried is: at most 4,096 of them, fewer on large trees (each costs one
// subgame_perfection). Mixed completions are not tried.
std::optional<Profile> subgame_perfect_completion(const ExtensiveGame& game, const Profile& profile,
                                                  const std::vector<bool>& open);

}  // namespace entente::games

namespace entente::games {

enum class Perfection { kPerfect, kNotPerfect, kUndetermined };

struct PerfectionVerdict {
  Perfection verdict = Perfection::kUndetermined;
  // Why, in one clause: the trembles that witness perfection, the player and strategy that
  // beat the profile against every nearby completely mixed profile, or what stopped the test.
  std::string why;
};

// Whether a pure profile is trembling-hand perfect (Selten 1975): a limit of completely
// mixed profiles against each of which it is a best reply. Strategic games: in the
// strategic form; extensive games: in the agent normal form (one agent per information set),
// which is Selten's perfect equilibrium of the extensive game. Exact, and never a wrong
// verdict, but it may be undetermined:
// - perfect when trembles of orders eta^k (k = 1..3, every strategy off the profile) are
//   found against which every agent's choice is a best reply for all small eta: the
//   polynomials in eta are compared by their lowest-order terms;
// - not perfect when some agent has a strategy doing strictly better against every
//   completely mixed profile near the profile: the payoff difference is multilinear in the
//   others' tremble sizes, and it is negative near zero exactly when the coefficients of its
//   minimal monomials are, checked at every combination of the strategies the others
//   tremble to (the difference is linear in each one's tremble distribution);
// - undetermined when neither holds (trembles that need specific ratios at one order), for
//   mixed profiles, for open choices, and for games with more than 65,536 pure (agent)
//   profiles. Throws std::invalid_argument when the profile does not fit the game.
PerfectionVerdict trembling_hand_perfection(const StrategicGame& game, const Profile& profile);
PerfectionVerdict trembling_hand_perfection(const ExtensiveGame& game, const Profile& profile);
// The same for an equilibrium whose choices at the infosets `open` marks were left open by
// its solver (indexed like game.infosets(); see avoided_by_own_play): perfect when some pure
// choice there makes an agent-form profile that is perfect (at most 4,096 completions
// tried), else undetermined (a mixed completion might be perfect); with no open infoset, as
// above.
PerfectionVerdict trembling_hand_perfection(const ExtensiveGame& game, const Profile& profile,
                                            const std::vector<bool>& open);

}  // namespace entente::games

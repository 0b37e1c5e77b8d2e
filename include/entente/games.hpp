// Games: extensive-form games (chance, information sets, n players, outcomes at any node)
// and strategic-form games, with exact rational payoffs and probabilities; the reduced
// strategic form of an extensive game; behaviour profiles and their payoffs and regrets.
//
// Games are plain values. Code builds them with the builder calls below (a crisis model
// does this); src/games/game_io.cpp reads and writes Gambit's .efg and .nfg text.
#pragma once

#include <gmpxx.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace entente::games {

using Rational = mpq_class;

// Exact text of a rational: "3", "-1/18".
std::string to_string(const Rational& q);

// A labelled payoff vector, one entry per player. Outcomes may sit at any node of an
// extensive game; payoffs along a path add up.
struct Outcome {
  std::string label;
  std::vector<Rational> payoffs;
  int number = 0;  // the .efg file's number for it; 0 when built in code
};

enum class NodeKind { kTerminal, kChance, kPlayer };

struct Node {
  NodeKind kind = NodeKind::kTerminal;
  std::string label;
  int infoset = -1;  // index into ExtensiveGame::infosets(); -1 at terminal nodes
  int outcome = -1;  // index into ExtensiveGame::outcomes(); -1: the null outcome
  int parent = -1;   // -1 at the root
  int parent_action = -1;
  std::vector<int> children;  // one per action of the infoset, in action order
};

struct Infoset {
  int player = 0;  // 0 for chance, players are 1..n
  int number = 0;  // the file's number, unique within the player
  std::string label;
  std::vector<std::string> actions;
  std::vector<Rational> probs;  // chance infosets only: one per action, summing to 1
  std::vector<int> nodes;       // member nodes
};

// A violation of perfect recall: two nodes of one information set that its player reaches
// by different moves of its own. Moves are (infoset index, action index), root first.
struct RecallViolation {
  int player = 0;                                // 1..n
  int infoset = -1;                              // index into infosets()
  int first_node = -1;                           // the information set's first node
  int node = -1;                                 // a later node of the set, reached differently
  std::vector<std::pair<int, int>> first_moves;  // the player's own moves to first_node
  std::vector<std::pair<int, int>> node_moves;   // ... and to node
};

class ExtensiveGame {
 public:
  ExtensiveGame() : ExtensiveGame(std::vector<std::string>{}) {}
  // A game with these players whose tree is a single terminal root (node 0).
  explicit ExtensiveGame(std::vector<std::string> players, std::string title = "");

  // --- builder ---
  // Adds an information set of `player` (1..n) with these actions; returns its index.
  // Throws std::invalid_argument for an unknown player or no actions.
  int add_infoset(int player, std::vector<std::string> actions, std::string label = "");
  // Adds a chance information set; probabilities must be >= 0 and sum to 1.
  int add_chance_infoset(std::vector<std::string> actions, std::vector<Rational> probs,
                         std::string label = "");
  // Makes terminal node `node` a member of `infoset` and gives it one new terminal child per
  // action; returns the children in action order. Throws std::invalid_argument when `node`
  // already has a move.
  std::vector<int> set_move(int node, int infoset);
  // Adds an outcome with one payoff per player; returns its index.
  int add_outcome(std::vector<Rational> payoffs, std::string label = "");
  // Replaces an outcome's payoffs (one per player); every node carrying it changes. Used to
  // evaluate a file's game at a scenario's values.
  void set_outcome_payoffs(int outcome, std::vector<Rational> payoffs);
  // Records the number a file gave the outcome (kept so scenarios can refer to it).
  void set_outcome_number(int outcome, int number);
  // Attaches outcome `outcome` (or -1 for none) to `node`.
  void set_outcome(int node, int outcome);
  void set_node_label(int node, std::string label);
  void set_title(std::string title) { title_ = std::move(title); }
  void set_comment(std::string comment) { comment_ = std::move(comment); }
  // Sets the number an infoset is written with (unique per player; 0 = automatic).
  void set_infoset_number(int infoset, int number);

  // --- queries ---
  [[nodiscard]] const std::string& title() const { return title_; }
  [[nodiscard]] const std::string& comment() const { return comment_; }
  [[nodiscard]] int num_players() const { return static_cast<int>(players_.size()); }
  [[nodiscard]] const std::vector<std::string>& players() const { return players_; }
  [[nodiscard]] const std::vector<Node>& nodes() const { return nodes_; }
  [[nodiscard]] const Node& node(int i) const { return nodes_.at(static_cast<std::size_t>(i)); }
  [[nodiscard]] const std::vector<Infoset>& infosets() const { return infosets_; }
  [[nodiscard]] const Infoset& infoset(int i) const {
    return infosets_.at(static_cast<std::size_t>(i));
  }
  [[nodiscard]] const std::vector<Outcome>& outcomes() const { return outcomes_; }
  // The infoset indices of `player` (1..n), in index order; their position in this list is
  // the infoset's "local" index used by behaviour profiles.
  [[nodiscard]] std::vector<int> player_infosets(int player) const;
  // Position of `infoset` among its player's infosets.
  [[nodiscard]] int local_index(int infoset) const;
  // Nodes in prefix (depth-first, first child first) order from the root.
  [[nodiscard]] std::vector<int> prefix_order() const;
  // True when every player's information set holds a single node.
  [[nodiscard]] bool perfect_information() const;
  // "" when each player recalls own past moves and information, else why not (the first
  // of perfect_recall_violations, in words).
  [[nodiscard]] std::string perfect_recall_problem() const;
  // Every node of an information set reached by other own moves than the set's first node
  // (in the order the nodes joined the set), infosets in index order; empty with perfect
  // recall. Chance information sets are never violations.
  [[nodiscard]] std::vector<RecallViolation> perfect_recall_violations() const;
  // The first node with this label, -1 when none.
  [[nodiscard]] int find_node(const std::string& label) const;
  // Total payoff of the outcomes on the path from the root to `node` (inclusive).
  [[nodiscard]] std::vector<Rational> path_payoffs(int node) const;

 private:
  std::string title_;
  std::string comment_;
  std::vector<std::string> players_;
  std::vector<Node> nodes_;
  std::vector<Infoset> infosets_;
  std::vector<Outcome> outcomes_;
  // local_index of each infoset, and infosets per player (0 = chance), kept as infosets are
  // added (they are never removed): local_index is asked once per node by the payoff and
  // regret computations, which a scan would make quadratic in the tree.
  std::vector<int> local_;
  std::vector<int> player_count_;
};

// A strategic (normal-form) game. Payoffs are held as outcomes and a table of outcome
// indices; cells are ordered as Gambit's .nfg: player 1's strategy varies fastest.
class StrategicGame {
 public:
  StrategicGame() = default;
  // A game with these players and strategy labels; every cell starts with the null outcome.
  StrategicGame(std::vector<std::string> players, std::vector<std::vector<std::string>> strategies,
                std::string title = "");

  // Adds an outcome; returns its index.
  int add_outcome(std::vector<Rational> payoffs, std::string label = "");
  // Sets the outcome of a cell (-1: null outcome, all zero).
  void set_cell_outcome(std::size_t cell, int outcome);
  // Gives the cell its own new outcome with these payoffs.
  void set_payoffs(const std::vector<int>& profile, std::vector<Rational> payoffs);
  void set_title(std::string title) { title_ = std::move(title); }
  void set_comment(std::string comment) { comment_ = std::move(comment); }

  [[nodiscard]] const std::string& title() const { return title_; }
  [[nodiscard]] const std::string& comment() const { return comment_; }
  [[nodiscard]] int num_players() const { return static_cast<int>(players_.size()); }
  [[nodiscard]] const std::vector<std::string>& players() const { return players_; }
  [[nodiscard]] const std::vector<std::vector<std::string>>& strategies() const {
    return strategies_;
  }
  [[nodiscard]] int num_strategies(int player) const {
    return static_cast<int>(strategies_.at(static_cast<std::size_t>(player)).size());
  }
  [[nodiscard]] const std::vector<Outcome>& outcomes() const { return outcomes_; }
  [[nodiscard]] const std::vector<int>& cells() const { return cells_; }
  [[nodiscard]] std::size_t num_cells() const { return cells_.size(); }
  // Cell index of a pure profile (strategy indices, 0-based, one per player, 0-based player).
  [[nodiscard]] std::size_t cell(const std::vector<int>& profile) const;
  // Payoff to `player` (0-based) in a cell.
  [[nodiscard]] const Rational& payoff(std::size_t cell, int player) const;

 private:
  std::string title_;
  std::string comment_;
  std::vector<std::string> players_;
  std::vector<std::vector<std::string>> strategies_;
  std::vector<Outcome> outcomes_;
  std::vector<int> cells_;
};

// The reduced strategic form of an extensive game and how its strategies map back.
struct ReducedForm {
  StrategicGame game;
  // choices[p][s][k]: the action player p+1's strategy s takes at the player's k-th infoset,
  // or -1 when the strategy itself makes that infoset unreachable ("*").
  std::vector<std::vector<std::vector<int>>> choices;
};

// Builds the reduced strategic form (strategies that differ only at infosets they make
// unreachable are merged; labels join action labels with ",", "*" for unreachable).
// Throws std::invalid_argument when a player would have more than `max_strategies`.
ReducedForm reduced_strategic_form(const ExtensiveGame& game, std::size_t max_strategies = 100000);
// Number of reduced strategies of each player, counted without building them (so the
// solvers can warn before a reduced form explodes): doubles, as counts can be astronomical.
// Exact for games with perfect recall; without it an upper bound (the product of the
// player's action counts).
std::vector<double> reduced_strategy_counts(const ExtensiveGame& game);

// A behaviour profile: probs[p][k][a] is the probability player p+1 takes action a at the
// player's k-th infoset. For a strategic game, each player has one "infoset" whose actions
// are the strategies. Exact when every entry is rational; `approx` holds doubles otherwise.
struct Profile {
  bool exact = true;
  std::vector<std::vector<std::vector<Rational>>> probs;
  std::vector<std::vector<std::vector<double>>> approx;  // filled in both cases
  // Fills `approx` from `probs`.
  void sync_approx();
};

// Builds the (exact) profile of a strategic game from per-player mixed strategies.
Profile mixed_profile(std::vector<std::vector<Rational>> mixed);
// Builds a floating-point profile (exact = false).
Profile approx_profile(std::vector<std::vector<std::vector<double>>> approx);

// The behaviour profile equivalent to a mixed profile of the reduced form (Kuhn's theorem;
// perfect recall). Infosets the player's own mixture never reaches get uniform play.
Profile behaviour_from_mixed(const ExtensiveGame& game, const ReducedForm& form,
                             const Profile& mixed);

// Expected payoffs (one per player) of a profile: exact and floating point.
std::vector<Rational> expected_payoffs(const StrategicGame& game, const Profile& profile);
std::vector<Rational> expected_payoffs(const ExtensiveGame& game, const Profile& profile);
std::vector<double> expected_payoffs_approx(const StrategicGame& game, const Profile& profile);
std::vector<double> expected_payoffs_approx(const ExtensiveGame& game, const Profile& profile);

// How much each player could gain by a best response to the others (>= 0), in doubles.
// For extensive games this is computed on the tree (needs perfect recall), independently of
// the strategic form.
std::vector<double> regrets(const StrategicGame& game, const Profile& profile);
std::vector<double> regrets(const ExtensiveGame& game, const Profile& profile);

// Probability that the player at `node` takes `action` there under `profile` (its infoset's
// behaviour); at chance nodes, the chance probability.
double action_probability(const ExtensiveGame& game, const Profile& profile, int node, int action);
// Probability that play reaches `node` under `profile`.
double reach_probability(const ExtensiveGame& game, const Profile& profile, int node);

}  // namespace entente::games

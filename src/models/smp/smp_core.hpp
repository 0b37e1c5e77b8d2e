// Internal: the mathematics of KTAB's spatial model of politics (SMP), free of entente's
// scenario types so that tests can drive it directly and compare it with KTAB's logs.
//
// Everything here is on KTAB's internal scale: positions and saliences in [0, 1],
// capabilities as given. The model (smp.cpp) maps a Scenario onto a Problem and the
// Trajectory back onto issue scales.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace entente::smp {

// KTAB's default PRNG seed (KBase::dSeed, 0xD67CC16FE69C185C).
inline constexpr std::uint64_t kKtabSeed = 15455440707583219804ULL;

// The enumerations below list KTAB's alternatives in KTAB's order; the names are KTAB's
// (as its XML files and logs spell them).
enum class VotingRule { kBinary, kPropBin, kProportional, kPropCbc, kCubic, kASymProsp };
enum class VictoryModel { kLinear, kSquare, kQuartic, kOctic, kBinary };
enum class PceModel { kConditional, kMarkovIncentive, kMarkovUniform };
enum class Transition { kDeterministic, kStochastic };
enum class RiskRange { kMin, kMid, kMax };
enum class RiskAdjust { kNone, kOneThird, kHalf, kTwoThirds, kFull };
enum class ThirdParty { kNoCommit, kSemiCommit, kFullCommit };
enum class Interpolation { kS1P1, kS2P2, kS2PMax };
enum class BargainModel { kInitOnlyInterp, kInitRcvrInterp, kPwCompInterp };

inline constexpr std::array<std::string_view, 6> kVotingRuleNames = {
    "Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"};
inline constexpr std::array<std::string_view, 5> kVictoryModelNames = {
    "Linear", "Square", "Quartic", "Octic", "Binary"};
inline constexpr std::array<std::string_view, 3> kPceModelNames = {"Conditional", "MarkovIncentive",
                                                                   "MarkovUniform"};
inline constexpr std::array<std::string_view, 2> kTransitionNames = {"Deterministic", "Stochastic"};
inline constexpr std::array<std::string_view, 3> kRiskRangeNames = {"Min", "Mid", "Max"};
inline constexpr std::array<std::string_view, 5> kRiskAdjustNames = {"None", "OneThird", "Half",
                                                                     "TwoThirds", "Full"};
inline constexpr std::array<std::string_view, 3> kThirdPartyNames = {"NoCommit", "SemiCommit",
                                                                     "FullCommit"};
inline constexpr std::array<std::string_view, 3> kInterpolationNames = {"S1P1", "S2P2", "S2PMax"};
inline constexpr std::array<std::string_view, 3> kBargainModelNames = {
    "InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"};

// The model's parameters; the defaults are KTAB's.
struct Parameters {
  VotingRule voting = VotingRule::kProportional;
  VictoryModel victory = VictoryModel::kLinear;
  PceModel pce = PceModel::kConditional;
  Transition transition = Transition::kDeterministic;
  RiskRange risk_range = RiskRange::kMid;
  RiskAdjust risk_adjust = RiskAdjust::kOneThird;
  ThirdParty third_party = ThirdParty::kSemiCommit;
  Interpolation interpolation = Interpolation::kS2P2;
  BargainModel bargain_model = BargainModel::kInitOnlyInterp;
  std::uint64_t seed = kKtabSeed;  // used only by Stochastic transitions
  int min_turns = 2;
  int max_turns = 100;
  // Threads for the O(n³) parts of a turn: the challenge estimates (split by initiator)
  // and, for 64 or more actors, the risk and position PCEs (by option) and the bargains'
  // utilities (by bargain). Each sum is computed whole on one thread, in the same order,
  // so results do not depend on the count.
  int threads = 1;
  // Whether every state keeps its probabilities (unique, unique_probability,
  // actor_probability). When false only the last state has them, which is all a forecast
  // reads; no position, risk attitude or choice changes.
  bool record_probabilities = true;
  // Whether every state keeps the record of its step (challenges, bargains, options,
  // choices). When false the states keep positions, ideals and risk attitudes only, and one
  // record is reused from turn to turn: all a Monte Carlo sample reads, with fewer
  // allocations. No position changes.
  bool keep_steps = true;
};

// A dense row-major matrix of doubles.
class Matrix {
 public:
  Matrix() = default;
  Matrix(std::size_t rows, std::size_t cols, double fill = 0.0)
      : rows_(rows), cols_(cols), data_(rows * cols, fill) {}
  [[nodiscard]] std::size_t rows() const { return rows_; }
  [[nodiscard]] std::size_t cols() const { return cols_; }
  double& operator()(std::size_t r, std::size_t c) { return data_[r * cols_ + c]; }
  double operator()(std::size_t r, std::size_t c) const { return data_[r * cols_ + c]; }
  [[nodiscard]] const double* row(std::size_t r) const { return data_.data() + r * cols_; }
  double* row(std::size_t r) { return data_.data() + r * cols_; }
  bool operator==(const Matrix&) const = default;
  // Gives the matrix this shape with unspecified contents, reusing its storage.
  void reshape(std::size_t rows, std::size_t cols) {
    rows_ = rows;
    cols_ = cols;
    data_.resize(rows * cols);
  }

 private:
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::vector<double> data_;
};

// What the model runs on: n actors on d dimensions.
struct Problem {
  std::vector<double> capability;  // n, each > 0
  Matrix position;                 // n × d, in [0, 1]
  Matrix salience;                 // n × d, in [0, 1]; each row sums to (0, 1]
  Matrix accommodation;            // n × n; empty means the identity (ideals = positions)
};

// Returns "" when `problem` satisfies the preconditions above, else what is wrong.
std::string check_problem(const Problem& problem);

// h's estimate of the effect on k of i challenging j (KTAB's probEduChlg).
struct ChallengeEstimate {
  double prob = 0.0;  // probability that i defeats j
  double gain = 0.0;  // expected change in k's utility versus the status quo
};

// One actor's challenge in one turn (absent when no target gains it more than 1e-5).
struct Challenge {
  int initiator = -1;
  int target = -1;
  ChallengeEstimate by_initiator;            // i's estimate of the effect on i
  ChallengeEstimate by_initiator_on_target;  // i's estimate of the effect on j
  ChallengeEstimate by_target_on_initiator;  // j's estimate of the effect on i
  ChallengeEstimate by_target;               // j's estimate of the effect on j
};

enum class BargainKind { kStatusQuo, kInitiator, kReceiver, kCompromise };

// A proposed bargain: the positions the initiator and the receiver would adopt.
struct Bargain {
  int initiator = -1;
  int receiver = -1;
  BargainKind kind = BargainKind::kStatusQuo;
  std::vector<double> initiator_position;  // d
  std::vector<double> receiver_position;   // d
};

// One state of the model: positions and ideals, and what the actors made of them.
struct State {
  Matrix position;                         // n × d
  Matrix ideal;                            // n × d
  std::vector<double> risk;                // n: risk attitude inferred in this state
  std::vector<int> unique;                 // indices of the first actor at each distinct position
  std::vector<int> unique_of;              // n: which entry of `unique` each actor's position is
  std::vector<double> unique_probability;  // probability each distinct position prevails
  std::vector<double> actor_probability;   // n: probability of the position each actor holds
  // The step from this state to the next (empty for the last state):
  std::vector<Challenge> challenges;      // in actor order, only actors who challenged
  std::vector<Bargain> bargains;          // every bargain proposed (without status quo)
  std::vector<std::vector<int>> options;  // per actor: indices into `bargains`, -1 = SQ
  std::vector<int> chosen;                // per actor: index into options[k]
  std::vector<std::vector<double>> option_probability;  // per actor, per option
};

struct Trajectory {
  std::vector<State> states;         // states[0] is the input; one more per turn
  std::vector<double> change_ratio;  // per turn t ≥ 1: step change / first step change
  std::string stop_reason;
};

// Hooks into a run. The first two let a test replay KTAB's thread scheduling: KTAB
// resolves each actor's bargains in threads, so the order in which actors' bargains are
// listed and resolved (which decides how Stochastic transitions consume random numbers)
// depends on timing; its logs record the order. Unset hooks mean actor order.
struct Hooks {
  // Given turn t (0-based) and actor k's options (-1 = status quo, else an index into
  // `bargains`), returns them in the order to use.
  std::function<std::vector<int>(int turn, int actor, const std::vector<Bargain>& bargains,
                                 const std::vector<int>& options)>
      option_order;
  // Given turn t, returns the order in which actors resolve their bargains.
  std::function<std::vector<int>(int turn)> resolve_order;
  // Called before every turn; throwing from it (RunStopped: a deadline, a shutdown) ends the
  // run with that exception. One turn of a large problem can take seconds, so a run is
  // stopped within a turn, not within a whole run of up to 100 turns.
  std::function<void(int turn)> before_turn;
};

// KTAB's random number generator: std::mt19937_64 whose output passes through the
// bijection q(x) = (x + c)(2x + 3) mod 2^64 (KBase::PRNG::uniform).
class KtabPrng {
 public:
  explicit KtabPrng(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t next();
  // Uniform on [0, 1] (KTAB divides by 2^64 - 1, so 1 is possible).
  double uniform();
  // Index of the option chosen with the given probabilities (KBase::PRNG::probSel).
  std::size_t select(const std::vector<double>& probabilities);

 private:
  std::mt19937_64 engine_;
};

// KTAB's building blocks, exposed for tests.

// Actor's vote (influence) for i over j given its utilities for both (KTAB's Model::vote).
// Inline: it is the innermost operation of the challenge estimates, O(n³) calls a turn.
inline double vote(VotingRule rule, double weight, double u_i, double u_j) {
  const double du = u_i - u_j;
  // Binary and PropBin saturate at ±1 past this utility difference.
  auto binary = [du] {
    const double s_tol = 1e-8;
    double r = du / s_tol;
    r = (r > +1) ? +1 : r;
    r = (r < -1) ? -1 : r;
    return r;
  };
  const double rbp = 0.2;  // PropBin: equal slopes either side of the binary jump
  const double rpc = 0.5;  // PropCbc: half proportional, half cubic
  switch (rule) {
    case VotingRule::kBinary:
      return weight * binary();
    case VotingRule::kPropBin:
      return weight * ((1 - rbp) * du + rbp * binary());
    case VotingRule::kProportional:
      return weight * du;
    case VotingRule::kPropCbc:
      return weight * ((1 - rpc) * du + rpc * (du * du * du));
    case VotingRule::kCubic:
      return weight * (du * du * du);
    case VotingRule::kASymProsp:
      // Gains count two thirds of losses (prospect theory).
      if (du < 0.0) return weight * du;
      if (0.0 < du) return (2.0 * weight * du) / 3.0;
      return 0.0;
  }
  return 0.0;
}
// Probabilities of victory of each of two coalitions of strengths s1, s2.
std::pair<double, double> victory_probability(VictoryModel model, double s1, double s2);
// Probabilistic Condorcet election among m options voted on by the actors: u is n × m
// (utility of each option to each actor), w the actors' weights. Returns the probability
// of each option. With threads > 1, a large election splits its coalitions over that many
// threads (the same sums, so the same result).
std::vector<double> scalar_pce(const std::vector<double>& w, const Matrix& u, VotingRule rule,
                               VictoryModel victory, PceModel pce, int threads = 1);
// Utility of a position at distance d for risk attitude r (KTAB's bsUtil).
double distance_utility(double d, double r);
// Risk attitudes from win probabilities (KTAB's bigRfromProb).
std::vector<double> risk_from_probability(const std::vector<double>& p, RiskRange range);

// Runs the model to its stopping rule. Throws std::invalid_argument when the problem is
// invalid (check_problem). A Markov PCE that KTAB would abort (no convergence in 1000
// iterations) takes the limit of the same iteration instead.
Trajectory run(const Problem& problem, const Parameters& parameters, const Hooks& hooks = {});

}  // namespace entente::smp

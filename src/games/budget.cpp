// Budgets (time, memory) of one solve, the advice messages give on which solver suits a
// game, the perfect-recall check the solvers share, and reduced-form sizes for estimates.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "solvers.hpp"

namespace entente::games {

std::vector<SolverOption> budget_options() {
  return {{"max_seconds",
           "60",
           "stop after this many seconds (wall clock) and report what was found so far",
           {},
           OptionSpec::Type::kNumber},
          {"max_memory",
           "2G",
           "stop before the solver's large structures pass this size (bytes; K, M, G suffixes)",
           {}}};
}

std::size_t parse_memory_size(const std::string& text, const std::string& what) {
  const auto bad = [&] {
    return std::invalid_argument(what + "='" + text +
                                 "' is invalid: expected a size in bytes, optionally with a K, M "
                                 "or G suffix (e.g. 512M)");
  };
  if (text.empty() || text.size() > 24) throw bad();
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 15) throw bad();
  const std::string suffix = text.substr(digits);
  unsigned shift = 0;
  if (suffix.empty() || suffix == "B") {
    shift = 0;
  } else if (suffix == "K" || suffix == "k" || suffix == "KiB") {
    shift = 10;
  } else if (suffix == "M" || suffix == "MiB") {
    shift = 20;
  } else if (suffix == "G" || suffix == "GiB") {
    shift = 30;
  } else {
    throw bad();
  }
  const std::size_t value = std::stoull(text.substr(0, digits));
  if (value == 0 || value > (std::numeric_limits<std::size_t>::max() >> shift)) throw bad();
  return value << shift;
}

std::string memory_text(std::size_t bytes) {
  const auto with = [&](double unit, const char* name) {
    const double v = static_cast<double>(bytes) / unit;
    char buf[32];
    std::snprintf(buf, sizeof buf, v == std::floor(v) ? "%.0f %s" : "%.1f %s", v, name);
    return std::string(buf);
  };
  if (bytes >= (std::size_t{1} << 30U)) return with(1073741824.0, "GiB");
  if (bytes >= (std::size_t{1} << 20U)) return with(1048576.0, "MiB");
  if (bytes >= (std::size_t{1} << 10U)) return with(1024.0, "KiB");
  return std::to_string(bytes) + " bytes";
}

namespace detail {

Work::Work(const Budget& budget, std::string solver, std::function<std::string()> advice)
    : budget_(budget), solver_(std::move(solver)), advice_(std::move(advice)) {
  // A week or more is "no time limit" (and keeps the deadline from overflowing the clock).
  if (!(budget_.max_seconds > 0) || budget_.max_seconds > 7 * 24 * 3600.0) {
    timed_ = false;
  } else {
    deadline_ = std::chrono::steady_clock::now() +
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                    std::chrono::duration<double>(budget_.max_seconds));
  }
}

bool Work::time_up() {
  if (budget_.stop != nullptr && budget_.stop->load(std::memory_order_relaxed)) {
    stopped_ = true;
    memory_tripped_ = false;
    return true;
  }
  if (!timed_ || std::chrono::steady_clock::now() < deadline_) return false;
  memory_tripped_ = false;
  return true;
}

bool Work::charge(std::size_t bytes) {
  if (bytes > budget_.max_memory || used_ > budget_.max_memory - bytes) {
    memory_tripped_ = true;
    return false;
  }
  used_ += bytes;
  return true;
}

void Work::release(std::size_t bytes) { used_ -= std::min(used_, bytes); }

void Work::fail(const std::string& progress, std::vector<Equilibrium> found) const {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g", budget_.max_seconds);
  const std::string which =
      memory_tripped_ ? "memory budget of " + memory_text(budget_.max_memory) + " (max_memory)"
                      : "time budget of " + std::string(seconds) + " s (max_seconds)";
  // Stopped from outside: nothing about the game or the budget is wrong, so no advice.
  std::string msg = stopped_
                        ? solver_ + ": stopped " + progress
                        : solver_ + ": the " + which + " ran out " + progress + "; " + advice_();
  throw BudgetExceeded(msg, std::move(found));
}

void Work::check_time(const std::string& progress) {
  if (time_up()) fail(progress);
}

void Work::check_charge(std::size_t bytes, const std::string& progress) {
  if (!charge(bytes)) fail(progress);
}

namespace {
const char* const kRaise = "or raise the budget (--max-seconds, --max-memory)";
}  // namespace

std::string advice(const ExtensiveGame& game, const std::string& solver) {
  if (game.perfect_information() && solver != "backward-induction") {
    return std::string(
               "backward-induction suits this game (perfect information: the "
               "subgame-perfect equilibrium in time linear in the tree), ") +
           kRaise;
  }
  if (game.num_players() == 2 && solver != "lcp" && game.perfect_recall_problem().empty()) {
    return std::string(
               "lcp suits this game (one equilibrium by Lemke's algorithm on the "
               "sequence form, polynomial in the tree), ") +
           kRaise;
  }
  return std::string("no other solver here suits this game better; try a smaller game ") + kRaise;
}

std::string advice(const StrategicGame& game, const std::string& solver) {
  if (game.num_players() == 2 && solver != "lcp") {
    return std::string(
               "lcp suits this game (Lemke-Howson: an equilibrium per starting label, "
               "--option label=1 for one), ") +
           kRaise;
  }
  if (game.num_players() > 2 && solver != "simpdiv") {
    return std::string(
               "simpdiv suits this game (one approximate equilibrium by simplicial "
               "subdivision, refined to exact where rational), ") +
           kRaise;
  }
  if (solver != "enumpure" && game.num_cells() <= 10'000'000) {
    return std::string("enumpure finds the pure equilibria in time linear in the table, ") + kRaise;
  }
  return std::string("try a smaller game ") + kRaise;
}

std::size_t rational_bytes(const Rational& q) {
  const auto limbs = static_cast<std::size_t>(q.get_num_mpz_t()->_mp_alloc) +
                     static_cast<std::size_t>(q.get_den_mpz_t()->_mp_alloc);
  return sizeof(Rational) + limbs * sizeof(mp_limb_t) + 2 * kAllocOverhead;
}

void require_perfect_recall(const ExtensiveGame& game, const std::string& solver) {
  const std::string problem = game.perfect_recall_problem();
  if (problem.empty()) return;
  throw SolverError(solver + " needs perfect recall, and this game lacks it: " + problem +
                    "; expected perfect recall (a player remembers its own moves). enumpure "
                    "finds the pure equilibria of its strategic form, which stay equilibria "
                    "without perfect recall");
}

}  // namespace detail

std::vector<double> reduced_strategy_counts(const ExtensiveGame& game) {
  const std::vector<int> order = game.prefix_order();
  std::vector<int> position(game.nodes().size(), 0);
  for (std::size_t k = 0; k < order.size(); ++k) {
    position[static_cast<std::size_t>(order[k])] = static_cast<int>(k);
  }
  const bool recall = game.perfect_recall_problem().empty();
  std::vector<double> out;
  for (int p = 1; p <= game.num_players(); ++p) {
    const std::vector<int> mine = game.player_infosets(p);
    if (!recall) {
      double product = 1;
      for (int h : mine) product *= static_cast<double>(game.infoset(h).actions.size());
      out.push_back(product);
      continue;
    }
    // With perfect recall the player's infosets form a forest: each hangs below one of the
    // player's own (infoset, action) pairs or at the top. A reduced strategy picks an action
    // at an infoset and then a reduced strategy for every infoset below that action:
    // N(h) = sum over a of the product of N(h') for h' below (h, a). Children come after
    // their parents in prefix order, so one pass from the back computes N.
    std::map<std::pair<int, int>, std::vector<int>> below;  // (infoset, action) -> infosets
    std::vector<int> top;
    std::vector<std::pair<int, int>> sorted;  // (first position, infoset)
    for (int h : mine) {
      int first = game.infoset(h).nodes.empty() ? 0 : game.infoset(h).nodes[0];
      for (int v : game.infoset(h).nodes) {
        if (position[static_cast<std::size_t>(v)] < position[static_cast<std::size_t>(first)]) {
          first = v;
        }
      }
      sorted.emplace_back(position[static_cast<std::size_t>(first)], h);
      // The player's last own move above `first`.
      std::pair<int, int> parent{-1, -1};
      for (int v = first; game.node(v).parent >= 0; v = game.node(v).parent) {
        const Node& up = game.node(game.node(v).parent);
        if (game.infoset(up.infoset).player == p) {
          parent = {up.infoset, game.node(v).parent_action};
          break;
        }
      }
      if (parent.first < 0) {
        top.push_back(h);
      } else {
        below[parent].push_back(h);
      }
    }
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> count(game.infosets().size(), 1.0);
    for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) {
      const int h = it->second;
      double sum = 0;
      for (int a = 0; a < static_cast<int>(game.infoset(h).actions.size()); ++a) {
        double product = 1;
        const auto found = below.find({h, a});
        if (found != below.end()) {
          for (int c : found->second) product *= count[static_cast<std::size_t>(c)];
        }
        sum += product;
      }
      count[static_cast<std::size_t>(h)] = sum;
    }
    double total = 1;
    for (int h : top) total *= count[static_cast<std::size_t>(h)];
    out.push_back(total);
  }
  return out;
}

}  // namespace entente::games

// The smp model (KTAB's spatial model of politics) and the KTAB input readers.
//
// The oracle is KTAB itself: its 2017 reference logs (tests/data/reference/ktab/20170530_ref-*.txt)
// are parsed here and compared turn by turn with our run on the same input. No number of
// KTAB's is typed into this file; every expected value is read from a log.
//
// Tolerances: KTAB prints positions as %.4f on 0–100 (its bargains are rounded to 4
// decimals on [0, 1], i.e. to 0.01 on 0–100, so a printed position is exact to ±5e-5),
// probabilities and expected gains as %.4f (±5e-5), risk attitudes as %.3f (±5e-4) and
// bargain coordinates as %.3f (±5e-4). Each comparison allows the print rounding plus
// 1e-9, so any real difference in KTAB's arithmetic or decisions fails.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "entente/ktab.hpp"
#include "entente/model.hpp"
#include "entente/scenario.hpp"
#include "models/smp/smp_core.hpp"
#include "models/smp/smp_model.hpp"
#include "support/test_support.hpp"

namespace entente {
namespace {

constexpr double kPrint4 = 5e-5 + 1e-9;  // a value printed with %.4f
constexpr double kPrint3 = 5e-4 + 1e-9;  // a value printed with %.3f

std::string ktab_file(const std::string& name) {
  return test::read_file(test::shared_data_path("ktab/" + name));
}

// ---------------------------------------------------------------------------------------
// A KTAB reference log, parsed.

struct LogEstimate {
  int by = -1;
  double prob = 0;
  double gain = 0;
};

struct LogChallenge {
  int initiator = -1;
  int target = -1;
  double worth = 0;
  std::vector<LogEstimate> estimates;  // the four "Est by" lines, in KTAB's order
  std::vector<std::vector<double>>
      bargains;  // IIJ init, IIJ rcvr, JIJ init, JIJ rcvr, PW init, PW rcvr
};

struct LogTurn {
  std::vector<LogChallenge> challenges;
  std::map<int, std::vector<std::pair<int, int>>> options;  // actor → (init, rcvr) in order
  std::vector<int> resolve_order;
  std::map<int, int> chosen;  // actor → 1-based option index
};

struct KtabLog {
  int actors = 0;
  int dims = 0;
  std::vector<double> first_coordinates;  // "Read dimension k: x" lines (XML logs)
  int states = 0;
  std::vector<std::vector<std::vector<double>>> positions;  // [state][actor][dim], t ≥ 1
  std::vector<std::vector<double>> risks;                   // [state][actor]
  std::vector<std::string> names;
  std::vector<std::vector<double>> win;  // [actor][state]
  std::vector<LogTurn> turns;            // [turn]: the step from state t to t + 1
};

std::vector<double> numbers_after(const std::string& line, std::size_t from) {
  std::vector<double> out;
  std::istringstream in(line.substr(from));
  double x = 0;
  while (in >> x) out.push_back(x);
  return out;
}

KtabLog parse_log(const std::string& text) {
  KtabLog log;
  std::vector<std::string> lines;
  {
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l)) {
      while (!l.empty() && (l.back() == ' ' || l.back() == '\r')) l.pop_back();
      lines.push_back(l);
    }
  }
  int iteration = 0;
  auto turn = [&]() -> LogTurn& {
    if (static_cast<int>(log.turns.size()) < iteration)
      log.turns.resize(static_cast<std::size_t>(iteration));
    return log.turns[static_cast<std::size_t>(iteration - 1)];
  };
  int resolving = -1;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const std::string& l = lines[k];
    int a = 0;
    int b = 0;
    int c = 0;
    double x = 0;
    // sscanf counts conversions, not literals: "Found %d actors" also matches "Found 6
    // iaPair", so lines ending in a word are checked for it.
    auto ends = [&l](const std::string& w) {
      return l.size() >= w.size() && l.compare(l.size() - w.size(), w.size(), w) == 0;
    };
    if (std::sscanf(l.c_str(), "Number of actors: %d", &a) == 1 ||
        (ends(" actors") && std::sscanf(l.c_str(), "Found %d actors", &a) == 1)) {
      log.actors = a;
    } else if (std::sscanf(l.c_str(), "Number of dimensions: %d", &a) == 1 ||
               (ends(" dimensions") && std::sscanf(l.c_str(), "Found %d dimensions", &a) == 1)) {
      log.dims = a;
    } else if (std::sscanf(l.c_str(), "Read dimension %d: %lf", &a, &x) == 2) {
      log.first_coordinates.push_back(x);
    } else if (std::sscanf(l.c_str(), "Starting Model::run iteration %d", &a) == 1) {
      iteration = a;
      turn();
    } else if (l == "Inferred risk attitudes:") {
      std::vector<double> r;
      for (int i = 0; i < log.actors; ++i)
        r.push_back(std::stod(lines[k + 1 + static_cast<std::size_t>(i)]));
      log.risks.push_back(r);
    } else if (std::sscanf(l.c_str(),
                           "In turn %d actor %d has most advantageous target %d worth %lf", &a, &b,
                           &c, &x) == 4) {
      LogChallenge ch;
      ch.initiator = b;
      ch.target = c;
      ch.worth = x;
      turn().challenges.push_back(ch);
    } else if (l.rfind("Est by", 0) == 0) {
      LogEstimate e;
      int i = 0;
      int j = 0;
      int to = 0;
      if (std::sscanf(l.c_str(),
                      "Est by %d of prob %lf that [%d>%d], with expected gain to %d of %lf", &e.by,
                      &e.prob, &i, &j, &to, &e.gain) == 6) {
        turn().challenges.back().estimates.push_back(e);
      }
    } else if (l.find(" adopt: ") != std::string::npos && !turn().challenges.empty()) {
      turn().challenges.back().bargains.push_back(numbers_after(l, l.find(" adopt: ") + 8));
    } else if (std::sscanf(l.c_str(), "Bargains involving actor %d:", &a) == 1) {
      std::vector<std::pair<int, int>> list;
      std::size_t at = l.find('[');
      while (at != std::string::npos) {
        long id = 0;
        if (std::sscanf(l.c_str() + at, "[%ld, %d:%d]", &id, &b, &c) == 3) list.emplace_back(b, c);
        at = l.find('[', at + 1);
      }
      turn().options[a] = list;
    } else if (std::sscanf(l.c_str(), "Doing scalarPCE for the %d bargains of actor %d", &a, &b) ==
               2) {
      turn().resolve_order.push_back(b);
      resolving = b;
    } else if (l.rfind("Chosen bargain", 0) == 0) {
      long id = 0;
      const std::size_t close = l.find("):");
      if (std::sscanf(l.c_str() + close + 2, "%ld %d out of %d", &id, &a, &b) == 3) {
        turn().chosen[resolving] = a;
      }
    } else if (std::sscanf(l.c_str(), "postn %d , %d :", &a, &b) == 2) {
      auto& pos = log.positions;
      if (static_cast<int>(pos.size()) < iteration) pos.resize(static_cast<std::size_t>(iteration));
      auto& state = pos[static_cast<std::size_t>(iteration - 1)];
      state.resize(static_cast<std::size_t>(log.actors));
      state[static_cast<std::size_t>(a)] = numbers_after(lines[k + 1], 0);
    } else if (std::sscanf(l.c_str(), "There were %d states", &a) == 1) {
      log.states = a;
    } else if (l == "History of actors' winning probabilities:") {
      for (int i = 0; i < log.actors; ++i) {
        const std::string& h = lines[k + 1 + static_cast<std::size_t>(i)];
        const std::size_t colon = h.find(", prob :");
        log.names.push_back(h.substr(0, colon));
        log.win.push_back(numbers_after(h, colon + 8));
      }
    }
  }
  return log;
}

// Replays KTAB's thread order recorded in `log`: the order of each actor's options and the
// order in which actors resolve them.
smp::Hooks replay(const KtabLog& log) {
  smp::Hooks hooks;
  hooks.option_order = [&log](int turn, int actor, const std::vector<smp::Bargain>& bargains,
                              const std::vector<int>& options) {
    if (turn >= static_cast<int>(log.turns.size())) return options;
    const auto it = log.turns[static_cast<std::size_t>(turn)].options.find(actor);
    if (it == log.turns[static_cast<std::size_t>(turn)].options.end()) return options;
    std::vector<int> out;
    std::vector<bool> used(options.size(), false);
    for (const auto& [init, rcvr] : it->second) {
      for (std::size_t m = 0; m < options.size(); ++m) {
        if (used[m]) continue;
        const int b = options[m];
        const int oi = b < 0 ? actor : bargains[static_cast<std::size_t>(b)].initiator;
        const int orc = b < 0 ? actor : bargains[static_cast<std::size_t>(b)].receiver;
        if (oi == init && orc == rcvr) {
          used[m] = true;
          out.push_back(b);
          break;
        }
      }
    }
    if (out.size() != options.size()) {
      ADD_FAILURE() << "turn " << turn << " actor " << actor
                    << ": our bargains differ from KTAB's list";
      return options;
    }
    return out;
  };
  hooks.resolve_order = [&log](int turn) {
    std::vector<int> order;
    if (turn < static_cast<int>(log.turns.size()))
      order = log.turns[static_cast<std::size_t>(turn)].resolve_order;
    if (static_cast<int>(order.size()) != log.actors) {
      order.clear();
      for (int i = 0; i < log.actors; ++i) order.push_back(i);
    }
    return order;
  };
  return hooks;
}

// What a comparison found; every mismatch is also reported as a test failure.
struct Agreement {
  std::size_t positions = 0;  // coordinates compared
  double max_position_diff = 0;
  std::size_t probabilities = 0;
  double max_probability_diff = 0;
  std::size_t challenges = 0;
  std::size_t choices = 0;
  std::vector<double> ktab_forecast;  // per dimension, from the log's final state
  std::vector<double> our_forecast;
};

// The probability-weighted final position per dimension (0–100): each distinct position
// (KTAB's rule: within 0.1 of an earlier one on 0–100 is the same) weighted by the
// probability that it prevails.
std::vector<double> forecast_of(const std::vector<std::vector<double>>& positions,
                                const std::vector<double>& probability) {
  std::vector<std::size_t> unique;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    bool seen = false;
    for (std::size_t u : unique) {
      double s = 0;
      for (std::size_t k = 0; k < positions[i].size(); ++k) {
        s += (positions[i][k] - positions[u][k]) * (positions[i][k] - positions[u][k]);
      }
      seen = seen || std::sqrt(s) < 0.1;
    }
    if (!seen) unique.push_back(i);
  }
  std::vector<double> f(positions[0].size(), 0.0);
  for (std::size_t u : unique) {
    for (std::size_t k = 0; k < f.size(); ++k) f[k] += probability[u] * positions[u][k];
  }
  return f;
}

// Compares our trajectory with KTAB's log, turn by turn. `scale` maps [0, 1] to KTAB's
// printed 0–100.
Agreement compare(const KtabLog& log, const smp::Trajectory& tr, bool check_choices) {
  Agreement ag;
  const auto n = static_cast<std::size_t>(log.actors);
  EXPECT_EQ(static_cast<int>(tr.states.size()), log.states) << "number of states";
  EXPECT_EQ(log.positions.size() + 1, static_cast<std::size_t>(log.states));
  const std::size_t states = std::min(tr.states.size(), static_cast<std::size_t>(log.states));
  for (std::size_t t = 1; t < states; ++t) {
    const auto& expected = log.positions[t - 1];
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < expected[i].size(); ++k) {
        const double ours = 100 * tr.states[t].position(i, k);
        const double diff = std::fabs(ours - expected[i][k]);
        ++ag.positions;
        ag.max_position_diff = std::max(ag.max_position_diff, diff);
        EXPECT_LE(diff, kPrint4) << "state " << t << " actor " << i << " dim " << k;
      }
    }
  }
  for (std::size_t i = 0; i < n && i < log.win.size(); ++i) {
    for (std::size_t t = 0; t < states && t < log.win[i].size(); ++t) {
      const double diff = std::fabs(tr.states[t].actor_probability[i] - log.win[i][t]);
      ++ag.probabilities;
      ag.max_probability_diff = std::max(ag.max_probability_diff, diff);
      EXPECT_LE(diff, kPrint4) << "win probability, state " << t << " actor " << i;
    }
  }
  for (std::size_t t = 0; t < states && t < log.risks.size(); ++t) {
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_NEAR(tr.states[t].risk[i], log.risks[t][i], kPrint3) << "risk, state " << t;
    }
  }
  for (std::size_t t = 0; t + 1 < states && t < log.turns.size(); ++t) {
    const LogTurn& lt = log.turns[t];
    const smp::State& st = tr.states[t];
    std::map<int, const LogChallenge*> expected;
    for (const auto& c : lt.challenges) expected[c.initiator] = &c;
    std::map<int, const smp::Challenge*> ours;
    for (const auto& c : st.challenges) ours[c.initiator] = &c;
    EXPECT_EQ(ours.size(), expected.size()) << "challenges in turn " << t;
    for (const auto& [i, lc] : expected) {
      const auto it = ours.find(i);
      if (it == ours.end()) {
        ADD_FAILURE() << "turn " << t << ": actor " << i << " challenges in KTAB, not here";
        continue;
      }
      const smp::Challenge& c = *it->second;
      ++ag.challenges;
      EXPECT_EQ(c.target, lc->target) << "turn " << t << " actor " << i;
      EXPECT_NEAR(c.by_initiator.gain, lc->worth, kPrint3);
      const smp::ChallengeEstimate est[4] = {c.by_initiator, c.by_initiator_on_target,
                                             c.by_target_on_initiator, c.by_target};
      EXPECT_EQ(lc->estimates.size(), 4U);
      for (std::size_t e = 0; e < 4 && e < lc->estimates.size(); ++e) {
        EXPECT_NEAR(est[e].prob, lc->estimates[e].prob, kPrint4);
        EXPECT_NEAR(est[e].gain, lc->estimates[e].gain, kPrint4);
      }
    }
    if (!check_choices) continue;
    for (const auto& [k, m] : lt.chosen) {
      ++ag.choices;
      EXPECT_EQ(st.chosen[static_cast<std::size_t>(k)] + 1, m) << "turn " << t << " actor " << k;
    }
  }
  // The forecast: KTAB prints no such number, so it is computed from the log's final
  // positions and probabilities (printed to 4 decimals: each of at most n probabilities is
  // off by 5e-5, each position by 5e-5, so the sums differ by at most n × 5e-5 × 100 + 5e-5).
  if (tr.states.size() == static_cast<std::size_t>(log.states) && !log.win.empty()) {
    std::vector<double> p;
    std::vector<std::vector<double>> ours;
    std::vector<double> our_p;
    for (std::size_t i = 0; i < n; ++i) {
      p.push_back(log.win[i].back());
      std::vector<double> x;
      for (std::size_t k = 0; k < tr.states.back().position.cols(); ++k) {
        x.push_back(100 * tr.states.back().position(i, k));
      }
      ours.push_back(x);
      our_p.push_back(tr.states.back().actor_probability[i]);
    }
    ag.ktab_forecast = forecast_of(log.positions.back(), p);
    ag.our_forecast = forecast_of(ours, our_p);
    for (std::size_t k = 0; k < ag.our_forecast.size(); ++k) {
      EXPECT_NEAR(ag.our_forecast[k], ag.ktab_forecast[k], static_cast<double>(n) * 5e-3 + 5e-5);
    }
  }
  return ag;
}

std::string forecasts(const Agreement& a) {
  std::string out = "forecast KTAB-log/ours:";
  for (std::size_t k = 0; k < a.our_forecast.size(); ++k) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " %.4f/%.4f", a.ktab_forecast[k], a.our_forecast[k]);
    out += buf;
  }
  return out;
}

// The inputs of a KTAB CSV run, through the model's own mapping.
smp::Prepared prepared_csv(const std::string& name,
                           const std::map<std::string, std::string>& options = {}) {
  const Scenario s = load_ktab_csv(ktab_file(name), name);
  return smp::prepare_joint(s, options);
}

// ---------------------------------------------------------------------------------------
// Agreement with KTAB's reference runs.

TEST(SmpKtab, DummyData3DimMatchesReferenceLogTurnByTurn) {
  const KtabLog log = parse_log(ktab_file("20170530_ref-dummyData_3Dim.txt"));
  ASSERT_EQ(log.actors, 7);
  ASSERT_GT(log.states, 2);
  const smp::Prepared p = prepared_csv("dummyData_3Dim.csv");
  // Our own order (actor index) and KTAB's thread order give the same run: with
  // Deterministic choices the order only breaks exact ties.
  const smp::Trajectory plain = smp::run(p.problem, p.params);
  const Agreement a = compare(log, plain, false);
  const smp::Hooks hooks = replay(log);
  const smp::Trajectory replayed = smp::run(p.problem, p.params, hooks);
  const Agreement b = compare(log, replayed, true);
  EXPECT_GT(a.positions, 100U);
  EXPECT_GT(b.choices, 30U);
  std::printf(
      "3Dim: %zu states, %zu coordinates (max diff %.2e), %zu probabilities (max %.2e), "
      "%zu challenges, %zu choices; %s\n",
      plain.states.size(), a.positions, a.max_position_diff, a.probabilities,
      a.max_probability_diff, a.challenges, b.choices, forecasts(a).c_str());
}

TEST(SmpKtab, DummyData3DimBargainsMatchLog) {
  // Every bargain KTAB prints: the initiator's interpolation (the one used), the receiver's
  // (which KTAB forms from the receiver's estimate of the initiator's gain, not its
  // probability) and their power-weighted compromise (whose receiver weight KTAB takes from
  // the initiator's capability). The last two only matter for other bargain models.
  const KtabLog log = parse_log(ktab_file("20170530_ref-dummyData_3Dim.txt"));
  const smp::Prepared p = prepared_csv("dummyData_3Dim.csv");
  const smp::Trajectory tr = smp::run(p.problem, p.params);
  // The bargain used (the initiator's), every turn.
  std::size_t compared = 0;
  for (std::size_t t = 0; t + 1 < tr.states.size() && t < log.turns.size(); ++t) {
    for (const LogChallenge& lc : log.turns[t].challenges) {
      ASSERT_EQ(lc.bargains.size(), 6U);
      const auto& st = tr.states[t];
      const auto it =
          std::find_if(st.bargains.begin(), st.bargains.end(),
                       [&](const smp::Bargain& b) { return b.initiator == lc.initiator; });
      ASSERT_NE(it, st.bargains.end());
      for (std::size_t k = 0; k < it->initiator_position.size(); ++k) {
        EXPECT_NEAR(100 * it->initiator_position[k], lc.bargains[0][k], kPrint3);
        EXPECT_NEAR(100 * it->receiver_position[k], lc.bargains[1][k], kPrint3);
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 100U);
  // The other two, in the first turn (later turns would follow other paths).
  for (const auto& [model, first, second] :
       {std::tuple{"InitRcvrInterp", 2U, 3U}, std::tuple{"PWCompInterp", 4U, 5U}}) {
    smp::Parameters params = p.params;
    params.bargain_model = std::string(model) == "PWCompInterp"
                               ? smp::BargainModel::kPwCompInterp
                               : smp::BargainModel::kInitRcvrInterp;
    params.max_turns = 1;
    params.min_turns = 1;
    const smp::Trajectory one = smp::run(p.problem, params);
    for (const LogChallenge& lc : log.turns[0].challenges) {
      const auto& bs = one.states[0].bargains;
      // InitRcvrInterp lists the receiver's bargain right after the initiator's.
      const auto it = std::find_if(bs.begin(), bs.end(), [&](const smp::Bargain& b) {
        return b.initiator == lc.initiator && b.kind != smp::BargainKind::kInitiator;
      });
      ASSERT_NE(it, bs.end()) << model;
      for (std::size_t k = 0; k < it->initiator_position.size(); ++k) {
        EXPECT_NEAR(100 * it->initiator_position[k], lc.bargains[first][k], kPrint3) << model;
        EXPECT_NEAR(100 * it->receiver_position[k], lc.bargains[second][k], kPrint3) << model;
      }
    }
  }
}

TEST(SmpKtab, SoePolCompMatchesReferenceLogTurnByTurn) {
  const KtabLog log = parse_log(ktab_file("20170530_ref-SOE-Pol-Comp.txt"));
  ASSERT_EQ(log.actors, 13);
  const smp::Prepared p = prepared_csv("SOE-Pol-Comp.csv");
  const smp::Trajectory plain = smp::run(p.problem, p.params);
  const Agreement a = compare(log, plain, false);
  const smp::Hooks hooks = replay(log);
  const Agreement b = compare(log, smp::run(p.problem, p.params, hooks), true);
  std::printf(
      "SOE-Pol-Comp: %zu states, %zu coordinates (max diff %.2e), %zu probabilities "
      "(max %.2e), %zu challenges, %zu choices; %s\n",
      plain.states.size(), a.positions, a.max_position_diff, a.probabilities,
      a.max_probability_diff, a.challenges, b.choices, forecasts(a).c_str());
}

// smpExample.xml exercises everything the CSV runs do not: PropCbc votes, the
// Markov-incentive PCE, Stochastic bargain choice (KTAB's PRNG) and a non-identity
// accommodation matrix. The shipped file has an empty coordinate (KTAB emptied it in 2017
// to test its error handling); the test restores the value the reference run read, taken
// from the log's "Read dimension" line.
TEST(SmpKtab, SmpExampleXmlMatchesReferenceLogWithKtabPrng) {
  const KtabLog log = parse_log(ktab_file("20170530_ref-smpExample.txt"));
  ASSERT_EQ(log.actors, 5);
  ASSERT_FALSE(log.first_coordinates.empty());
  std::string xml = ktab_file("smpExample.xml");
  const std::string empty = "<dCoord></dCoord>";
  const auto at = xml.find(empty);
  ASSERT_NE(at, std::string::npos);
  char value[32];
  std::snprintf(value, sizeof value, "%.2f", log.first_coordinates[0]);
  xml.replace(at, empty.size(), std::string("<dCoord>") + value + "</dCoord>");
  const KtabInput in = load_ktab_xml(xml, "smpExample.xml");
  EXPECT_EQ(in.smp_options.at("bargain_choice"), "Stochastic");
  EXPECT_EQ(in.smp_options.at("pce"), "MarkovIncentive");
  EXPECT_EQ(in.smp_options.at("vote_rule"), "PropCbc");
  const smp::Prepared p = smp::prepare_joint(in.scenario, in.smp_options);
  ASSERT_EQ(p.problem.accommodation.rows(), 5U);
  const smp::Hooks hooks = replay(log);
  const smp::Trajectory tr = smp::run(p.problem, p.params, hooks);
  const Agreement a = compare(log, tr, true);
  EXPECT_GT(a.choices, 60U);
  std::printf(
      "smpExample: %zu states, %zu coordinates (max diff %.2e), %zu probabilities "
      "(max %.2e), %zu challenges, %zu stochastic choices; %s\n",
      tr.states.size(), a.positions, a.max_position_diff, a.probabilities, a.max_probability_diff,
      a.challenges, a.choices, forecasts(a).c_str());
}

TEST(SmpKtab, UnrecordedProbabilitiesLeaveTheRunAndItsLastStateUnchanged) {
  // A Monte Carlo sample asks for the last state's probabilities only. Leaving the others
  // out must not change a single position, risk attitude or choice of the run, nor the last
  // state's probabilities (compared bitwise), and the earlier states must then lack them.
  const smp::Prepared p = prepared_csv("dummyData_3Dim.csv");
  const smp::Trajectory full = smp::run(p.problem, p.params);
  smp::Parameters lean_params = p.params;
  lean_params.record_probabilities = false;
  const smp::Trajectory lean = smp::run(p.problem, lean_params);
  ASSERT_EQ(full.states.size(), lean.states.size());
  ASSERT_GT(full.states.size(), 3U);
  EXPECT_EQ(full.change_ratio, lean.change_ratio);
  EXPECT_EQ(full.stop_reason, lean.stop_reason);
  for (std::size_t t = 0; t < full.states.size(); ++t) {
    EXPECT_EQ(full.states[t].position, lean.states[t].position) << "turn " << t;
    EXPECT_EQ(full.states[t].risk, lean.states[t].risk) << "turn " << t;
    EXPECT_EQ(full.states[t].chosen, lean.states[t].chosen) << "turn " << t;
    if (t + 1 < full.states.size()) {
      EXPECT_FALSE(full.states[t].unique_probability.empty());
      EXPECT_TRUE(lean.states[t].unique_probability.empty()) << "turn " << t;
    }
  }
  EXPECT_EQ(full.states.back().unique, lean.states.back().unique);
  EXPECT_EQ(full.states.back().unique_probability, lean.states.back().unique_probability);
  EXPECT_EQ(full.states.back().actor_probability, lean.states.back().actor_probability);
}

TEST(SmpKtab, UnkeptStepRecordsLeaveEveryPositionUnchanged) {
  // A Monte Carlo sample keeps no step records (challenges, bargains, options): the turns
  // reuse one record on the thread. Under every bargain model and both transitions the run
  // must be the kept run to the bit, and a kept run made after lean ones on the same thread
  // must equal a fresh one (nothing of the reused record leaks into it).
  const smp::Prepared p = prepared_csv("dummyData_3Dim.csv");
  for (const smp::BargainModel model :
       {smp::BargainModel::kInitOnlyInterp, smp::BargainModel::kInitRcvrInterp,
        smp::BargainModel::kPwCompInterp}) {
    for (const smp::Transition transition :
         {smp::Transition::kDeterministic, smp::Transition::kStochastic}) {
      smp::Parameters params = p.params;
      params.bargain_model = model;
      params.transition = transition;
      params.max_turns = 12;
      const smp::Trajectory full = smp::run(p.problem, params);
      smp::Parameters lean_params = params;
      lean_params.keep_steps = false;
      const smp::Trajectory lean = smp::run(p.problem, lean_params);
      const smp::Trajectory again = smp::run(p.problem, params);
      const std::string what = "bargain model " + std::to_string(static_cast<int>(model)) +
                               ", transition " + std::to_string(static_cast<int>(transition));
      ASSERT_EQ(full.states.size(), lean.states.size()) << what;
      ASSERT_GT(full.states.size(), 2U) << what;
      EXPECT_EQ(full.change_ratio, lean.change_ratio) << what;
      EXPECT_EQ(full.stop_reason, lean.stop_reason) << what;
      for (std::size_t t = 0; t < full.states.size(); ++t) {
        EXPECT_EQ(full.states[t].position, lean.states[t].position) << what << ", turn " << t;
        EXPECT_EQ(full.states[t].ideal, lean.states[t].ideal) << what << ", turn " << t;
        EXPECT_EQ(full.states[t].risk, lean.states[t].risk) << what << ", turn " << t;
        EXPECT_TRUE(lean.states[t].bargains.empty()) << what << ", turn " << t;
        EXPECT_TRUE(lean.states[t].options.empty()) << what << ", turn " << t;
        EXPECT_EQ(full.states[t].position, again.states[t].position) << what << ", turn " << t;
        EXPECT_EQ(full.states[t].options, again.states[t].options) << what << ", turn " << t;
        EXPECT_EQ(full.states[t].option_probability, again.states[t].option_probability)
            << what << ", turn " << t;
        EXPECT_EQ(full.states[t].bargains.size(), again.states[t].bargains.size())
            << what << ", turn " << t;
      }
      EXPECT_FALSE(full.states.front().bargains.empty()) << what;
      EXPECT_EQ(full.states.back().unique_probability, lean.states.back().unique_probability)
          << what;
    }
  }
}

TEST(SmpKtab, XmlAndCsvOfDummyData3DimGiveTheSameRun) {
  // dummyData_3Dim.xml has no IdealAdjustment (the schema makes it optional; KTAB's current
  // reader demands it): read as the identity, the run is the CSV's.
  const KtabInput in = load_ktab_xml(ktab_file("dummyData_3Dim.xml"), "dummyData_3Dim.xml");
  EXPECT_EQ(in.smp_options.count("accommodation"), 0U);
  EXPECT_EQ(in.smp_options.at("seed"), "3707583219545544125");
  const smp::Prepared x = smp::prepare_joint(in.scenario, in.smp_options);
  const smp::Prepared c = prepared_csv("dummyData_3Dim.csv");
  EXPECT_EQ(x.problem.position, c.problem.position);
  EXPECT_EQ(x.problem.salience, c.problem.salience);
  const smp::Trajectory tx = smp::run(x.problem, x.params);
  const smp::Trajectory tc = smp::run(c.problem, c.params);
  ASSERT_EQ(tx.states.size(), tc.states.size());
  EXPECT_EQ(tx.states.back().position, tc.states.back().position);
}

// ---------------------------------------------------------------------------------------
// The model through the registry.

TEST(SmpModel, RegisteredWithKtabDefaults) {
  const ModelInfo* info = find_model("smp");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->scope, ModelInfo::Scope::kIssue);
  std::map<std::string, std::string> defaults;
  for (const auto& o : info->options) defaults[o.name] = o.default_value;
  EXPECT_EQ(defaults["vote_rule"], "Prop");
  EXPECT_EQ(defaults["win_model"], "Linear");
  EXPECT_EQ(defaults["pce"], "Conditional");
  EXPECT_EQ(defaults["bargain_choice"], "Deterministic");
  EXPECT_EQ(defaults["risk_range"], "Mid");
  EXPECT_EQ(defaults["risk_adjust"], "OneThird");
  EXPECT_EQ(defaults["third_party"], "SemiCommit");
  EXPECT_EQ(defaults["interpolation"], "S2P2");
  EXPECT_EQ(defaults["bargain_model"], "InitOnlyInterp");
  EXPECT_EQ(defaults["seed"], std::to_string(smp::kKtabSeed));
  EXPECT_EQ(defaults["min_turns"], "2");
  EXPECT_EQ(defaults["max_turns"], "100");
  EXPECT_THROW((void)make_model("smp", {{"seed", "-3"}}), std::invalid_argument);
  EXPECT_THROW((void)make_model("smp", {{"accommodation", "A:B"}}), std::invalid_argument);
  EXPECT_THROW((void)make_model("smp", {{"min_turns", "5"}, {"max_turns", "4"}}),
               std::invalid_argument);
  EXPECT_NO_THROW((void)make_model("smp", {{"seed", "run"}}));
}

TEST(SmpModel, ReportsRoundsPerIssueAndTheProbabilityWeightedForecast) {
  const Scenario s = load_ktab_csv(ktab_file("dummyData_3Dim.csv"), "dummyData_3Dim.csv");
  const KtabLog log = parse_log(ktab_file("20170530_ref-dummyData_3Dim.txt"));
  const Result r = make_model("smp")->run(s, RunContext{});
  ASSERT_EQ(r.issues.size(), 3U);
  EXPECT_TRUE(r.warnings.empty());
  for (std::size_t k = 0; k < 3; ++k) {
    const IssueResult& ir = r.issues[k];
    EXPECT_EQ(ir.issue, s.issues[k].id);
    const auto& rounds = ir.details.at("rounds");
    ASSERT_EQ(static_cast<int>(rounds.size()), log.states);
    // Final positions, on the input's 0–100 scale, keyed by actor.
    const auto& last = rounds.back();
    for (std::size_t i = 0; i < s.actors.size(); ++i) {
      const double x = last.at("positions").at(s.actors[i].id).get<double>();
      EXPECT_NEAR(x, log.positions.back()[i][k], kPrint4);
      EXPECT_NEAR(last.at("win_probability").at(s.actors[i].id).get<double>(), log.win[i].back(),
                  kPrint4);
    }
    // The forecast weights each distinct final position by its probability; actors sharing
    // a position share its probability once (KTAB prints it once per actor).
    std::map<std::string, std::pair<double, double>> distinct;
    for (std::size_t i = 0; i < s.actors.size(); ++i) {
      char key[64];
      std::snprintf(key, sizeof key, "%.4f,%.4f,%.4f", log.positions.back()[i][0],
                    log.positions.back()[i][1], log.positions.back()[i][2]);
      distinct[key] = {log.win[i].back(), log.positions.back()[i][k]};
    }
    double f = 0;
    double total = 0;
    for (const auto& [key, pw] : distinct) {
      f += pw.first * pw.second;
      total += pw.first;
    }
    EXPECT_NEAR(total, 1.0, 1e-3);
    ASSERT_TRUE(ir.forecast.has_value());
    EXPECT_NEAR(*ir.forecast, f, 0.01);
    EXPECT_NEAR(last.at("forecast").get<double>(), *ir.forecast, 1e-12);
    ASSERT_FALSE(ir.trace.empty());
    EXPECT_EQ(ir.trace.size(), rounds.size() + 2);
  }
  EXPECT_EQ(r.details.at("runs").size(), 1U);
  EXPECT_EQ(r.details.at("parameters").at("seed"), std::to_string(smp::kKtabSeed));
}

TEST(SmpModel, SeparateDimensionsRunEachIssueOnItsOwn) {
  const Scenario s = load_ktab_csv(ktab_file("SOE-Pol-Comp.csv"), "SOE-Pol-Comp.csv");
  const Result r = make_model("smp", {{"dimensions", "separate"}})->run(s, RunContext{});
  ASSERT_EQ(r.issues.size(), 2U);
  EXPECT_EQ(r.details.at("runs").size(), 2U);
  for (const auto& ir : r.issues) {
    ASSERT_TRUE(ir.forecast.has_value());
    EXPECT_GE(*ir.forecast, 0);
    EXPECT_LE(*ir.forecast, 100);
    EXPECT_EQ(ir.details.at("joint_with").size(), 1U);
  }
}

TEST(SmpModel, LeavesOutActorsItCannotUseAndSaysWhy) {
  Scenario s;
  s.id = "t";
  for (const char* id : {"A", "B", "C", "D"}) {
    Actor a;
    a.id = id;
    a.name = id;
    a.capability = std::string(id) == "D" ? 0.0 : 10.0;
    s.actors.push_back(a);
  }
  Issue x;
  x.id = "x";
  Issue y;
  y.id = "y";
  const double px[] = {10, 50, 90, 40};
  for (std::size_t i = 0; i < 4; ++i) {
    x.stances.push_back(Stance{s.actors[i].id, px[i], 0.8});
    if (i != 2) y.stances.push_back(Stance{s.actors[i].id, 100 - px[i], 0.6});
  }
  s.issues = {x, y};
  const Result r = make_model("smp")->run(s, RunContext{});
  ASSERT_EQ(r.issues.size(), 2U);
  const auto& actors = r.details.at("runs")[0].at("actors");
  EXPECT_EQ(actors, nlohmann::json::array({"A", "B"}));
  std::string all;
  for (const auto& w : r.warnings) all += w + "\n";
  EXPECT_NE(all.find("every issue; option dimensions=separate runs each issue on its own): C"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("(zero capability or zero salience, so no vote): D"), std::string::npos)
      << all;
  EXPECT_NE(all.find("scaled to sum to 1"), std::string::npos) << all;  // 0.8 + 0.6 > 1
  ASSERT_TRUE(r.issues[0].forecast.has_value());
}

TEST(SmpModel, SeedOptionDecidesStochasticRuns) {
  const Scenario s = load_ktab_csv(ktab_file("SOE-Pol-Comp.csv"), "SOE-Pol-Comp.csv");
  const std::map<std::string, std::string> run_seed = {{"bargain_choice", "Stochastic"},
                                                       {"seed", "run"}};
  const Result a = make_model("smp", run_seed)->run(s, RunContext{7});
  const Result b = make_model("smp", run_seed)->run(s, RunContext{7});
  EXPECT_EQ(a.issues[0].details, b.issues[0].details);  // reproducible
  bool differs = false;
  for (std::uint64_t seed = 8; seed < 20 && !differs; ++seed) {
    const Result c = make_model("smp", run_seed)->run(s, RunContext{seed});
    differs = c.issues[0].details != a.issues[0].details;
  }
  EXPECT_TRUE(differs) << "Stochastic choice should depend on the seed";
  // Without seed=run the run's seed is ignored: KTAB's default seed decides.
  const std::map<std::string, std::string> fixed = {{"bargain_choice", "Stochastic"}};
  EXPECT_EQ(make_model("smp", fixed)->run(s, RunContext{1}).issues[0].details,
            make_model("smp", fixed)->run(s, RunContext{2}).issues[0].details);
}

TEST(SmpModel, AccommodationMovesIdealsAndRowsMustSumToAtMostOne) {
  const Scenario s = load_ktab_csv(ktab_file("SOE-Pol-Comp.csv"), "SOE-Pol-Comp.csv");
  // XJ keeps its own rate 1 and adds 0.5 toward LK: 1.5.
  try {
    (void)make_model("smp", {{"accommodation", "XJ:LK=0.5"}})->run(s, RunContext{});
    ADD_FAILURE() << "expected the row sum to be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("the rates for XJ sum to 1.5"), std::string::npos)
        << e.what();
  }
  const Result lagging =
      make_model("smp", {{"accommodation", "XJ:XJ=0.5,XJ:LK=0.25"}})->run(s, RunContext{});
  const Result plain = make_model("smp")->run(s, RunContext{});
  EXPECT_NE(lagging.issues[0].details.at("rounds"), plain.issues[0].details.at("rounds"));
  const Result unknown =
      make_model("smp", {{"accommodation", "XJ:Nobody=0.1"}})->run(s, RunContext{});
  ASSERT_EQ(unknown.warnings.size(), 1U);
  EXPECT_NE(unknown.warnings[0].find("Nobody does not take part"), std::string::npos);
}

// Speed is measured in bench/models_bench.cpp; here only that 80 actors converge.
TEST(SmpModel, EightyActorsConvergeWithinKtabsTurnLimit) {
  const Scenario s = load_ktab_csv(ktab_file("dummyData-a080.csv"), "dummyData-a080.csv");
  ASSERT_EQ(s.actors.size(), 80U);
  const Result r = make_model("smp")->run(s, RunContext{});
  ASSERT_TRUE(r.issues[0].forecast.has_value());
  EXPECT_GE(*r.issues[0].forecast, 0.0);
  EXPECT_LE(*r.issues[0].forecast, 100.0);
  // KTAB stops after at most 100 iterations; round 0 is the initial state.
  EXPECT_LE(r.issues[0].details.at("rounds").size(), 101U);
}

// before_turn runs before every turn, in order, and what it throws ends the run: how a
// deadline stops a large smp run within one turn rather than after all of them. The model
// installs it only when the run has a stop token, and leaves the run unchanged.
TEST(SmpCore, BeforeTurnHookSeesEveryTurnAndCanStopTheRun) {
  const smp::Prepared p = prepared_csv("dummyData_3Dim.csv");
  const smp::Trajectory plain = smp::run(p.problem, p.params);
  ASSERT_GE(plain.states.size(), 4U);
  std::vector<int> seen;
  smp::Hooks hooks;
  hooks.before_turn = [&](int turn) { seen.push_back(turn); };
  const smp::Trajectory hooked = smp::run(p.problem, p.params, hooks);
  EXPECT_EQ(hooked.states.size(), plain.states.size());
  ASSERT_FALSE(seen.empty());
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], static_cast<int>(i));
  EXPECT_GE(seen.size() + 1, plain.states.size());  // every turn that made a state
  std::vector<int> before_stop;
  hooks.before_turn = [&](int turn) {
    before_stop.push_back(turn);
    if (turn == 2) throw RunStopped("deadline");
  };
  EXPECT_THROW((void)smp::run(p.problem, p.params, hooks), RunStopped);
  EXPECT_EQ(before_stop, (std::vector<int>{0, 1, 2}));

  const Scenario s = load_ktab_csv(ktab_file("dummyData_3Dim.csv"), "dummyData_3Dim.csv");
  StopToken stop;
  RunContext context;
  context.stop = &stop;
  EXPECT_EQ(make_model("smp")->run(s, context).issues[0].forecast,
            make_model("smp")->run(s, RunContext{}).issues[0].forecast);
}

TEST(SmpModel, ThreadCountDoesNotChangeTheRun) {
  // The turn's challenge estimates are split over threads by initiator; each is computed
  // alone, so every round must be identical (compared as JSON, i.e. to the printed bit).
  const Scenario s = load_ktab_csv(ktab_file("dummyData-a040.csv"), "dummyData-a040.csv");
  const Result one = make_model("smp", {{"threads", "1"}})->run(s, RunContext{});
  for (const char* threads : {"2", "3", "0"}) {
    const Result many = make_model("smp", {{"threads", threads}})->run(s, RunContext{});
    EXPECT_EQ(one.issues[0].details, many.issues[0].details) << threads << " threads";
  }
  EXPECT_THROW((void)make_model("smp", {{"threads", "-1"}}), std::invalid_argument);
}

TEST(SmpModel, ThreadCountDoesNotChangeALargeRun) {
  // From 64 actors on, the risk and position PCEs and the bargains' utilities are split
  // over threads too (by option and by bargain): still every round identical.
  const Scenario s = load_ktab_csv(ktab_file("dummyData-a080.csv"), "dummyData-a080.csv");
  const Result one =
      make_model("smp", {{"threads", "1"}, {"max_turns", "6"}})->run(s, RunContext{});
  for (const char* threads : {"2", "3"}) {
    const Result many =
        make_model("smp", {{"threads", threads}, {"max_turns", "6"}})->run(s, RunContext{});
    EXPECT_EQ(one.issues[0].details, many.issues[0].details) << threads << " threads";
  }
}

// ---------------------------------------------------------------------------------------
// Properties of the core.

// KTAB's Conditional PCE written out plainly (KTAB's kutils: coalition strengths from a
// floor of 1e-8 plus each actor's positive votes, summed in actor order; Linear victory
// s1 / (s1 + s2); an option's probability the product of its victory probabilities over
// all options, itself included at 1/2, normalised), pair by pair.
std::vector<double> plain_conditional_pce(const std::vector<double>& w, const smp::Matrix& u) {
  const std::size_t m = u.cols();
  smp::Matrix pv(m, m, 0.5);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      double cij = 1e-8;
      double cji = 1e-8;
      for (std::size_t k = 0; k < u.rows(); ++k) {
        const double v = smp::vote(smp::VotingRule::kProportional, w[k], u(k, i), u(k, j));
        if (v > 0) cij = cij + v;
        if (v < 0) cji = cji - v;
      }
      pv(i, j) = cij / (cij + cji);
      pv(j, i) = cji / (cij + cji);
    }
  }
  std::vector<double> p(m, 1.0);
  double total = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < m; ++j) p[i] = p[i] * pv(i, j);
    total = total + p[i];
  }
  for (double& x : p) x = x / total;
  return p;
}

TEST(SmpCore, ElectionsOfEverySizeSumCoalitionsAsKtabDoes) {
  // Small elections sum pair by pair, larger ones all of an option's pairs at once, and
  // large ones over threads: each must be KTAB's plain sum to the bit.
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (const std::size_t m : {3UL, 12UL, 100UL}) {
    const std::size_t n = 30;
    std::vector<double> w(n);
    for (double& x : w) x = unit(rng);
    smp::Matrix u(n, m);
    for (std::size_t k = 0; k < n; ++k) {
      for (std::size_t i = 0; i < m; ++i) u(k, i) = unit(rng);
    }
    const std::vector<double> want = plain_conditional_pce(w, u);
    for (const int threads : {1, 2}) {
      EXPECT_EQ(smp::scalar_pce(w, u, smp::VotingRule::kProportional, smp::VictoryModel::kLinear,
                                smp::PceModel::kConditional, threads),
                want)
          << m << " options, " << threads << " threads";
    }
  }
}

TEST(SmpCore, KtabPrngSelectsInProportionToProbability) {
  smp::KtabPrng rng(smp::kKtabSeed);
  const std::vector<double> p = {0.1, 0.6, 0.3};
  std::vector<int> count(3, 0);
  const int draws = 30000;
  for (int i = 0; i < draws; ++i) ++count[rng.select(p)];
  for (std::size_t k = 0; k < 3; ++k) {
    // Binomial standard deviation is at most 0.003 of the draws; allow 5 of them.
    EXPECT_NEAR(count[k] / static_cast<double>(draws), p[k], 0.015);
  }
  // The same seed gives the same sequence.
  smp::KtabPrng a(42);
  smp::KtabPrng b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());
}

TEST(SmpCore, VotesAndVictoryProbabilitiesFollowKtabsRules) {
  using smp::VotingRule;
  EXPECT_DOUBLE_EQ(smp::vote(VotingRule::kProportional, 2, 0.7, 0.2), 1.0);
  EXPECT_DOUBLE_EQ(smp::vote(VotingRule::kBinary, 2, 0.7, 0.2), 2.0);
  EXPECT_DOUBLE_EQ(smp::vote(VotingRule::kCubic, 2, 0.7, 0.2), 2 * 0.5 * 0.5 * 0.5);
  EXPECT_DOUBLE_EQ(smp::vote(VotingRule::kASymProsp, 3, 0.7, 0.2), 1.0);
  EXPECT_DOUBLE_EQ(smp::vote(VotingRule::kASymProsp, 3, 0.2, 0.7), -1.5);
  auto [p, q] = smp::victory_probability(smp::VictoryModel::kSquare, 2, 1);
  EXPECT_DOUBLE_EQ(p, 0.8);
  EXPECT_DOUBLE_EQ(q, 0.2);
  std::tie(p, q) = smp::victory_probability(smp::VictoryModel::kBinary, 1.2, 1);
  EXPECT_DOUBLE_EQ(p, 1 / (1 + 1e-6));
  EXPECT_DOUBLE_EQ(smp::distance_utility(0.5, 1), 0.75);
  EXPECT_DOUBLE_EQ(smp::distance_utility(0.5, -1), 0.25);
  const auto r = smp::risk_from_probability({0.1, 0.2, 0.7}, smp::RiskRange::kMid);
  EXPECT_DOUBLE_EQ(r[0], -0.5);
  EXPECT_DOUBLE_EQ(r[2], 1.0);
  EXPECT_EQ(smp::risk_from_probability({0.5, 0.5}, smp::RiskRange::kMid),
            (std::vector<double>{0, 0}));
}

// Bargains interpolate between current positions (rounded to 4 decimals), so no position
// ever leaves the range the actors started in; probabilities are distributions; the run
// stops within its bounds. For every parameter combination, with and without
// accommodation.
RC_GTEST_PROP(SmpCore, PositionsStayWithinTheInitialRangeAndProbabilitiesSumToOne, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(2, 9);
  const auto d = *rc::gen::inRange<std::size_t>(1, 4);
  smp::Problem pr;
  pr.capability.resize(n);
  pr.position = smp::Matrix(n, d);
  pr.salience = smp::Matrix(n, d);
  for (std::size_t i = 0; i < n; ++i) {
    pr.capability[i] = *rc::gen::inRange(1, 1000);
    double total = 0;
    for (std::size_t k = 0; k < d; ++k) {
      pr.position(i, k) = *rc::gen::inRange(0, 10001) / 10000.0;
      pr.salience(i, k) = *rc::gen::inRange(1, 101) / 100.0;
      total += pr.salience(i, k);
    }
    for (std::size_t k = 0; k < d; ++k) pr.salience(i, k) /= std::max(total, 1.0);
  }
  if (*rc::gen::arbitrary<bool>()) {
    // Each actor keeps part of its old ideal and may lean toward one other actor.
    pr.accommodation = smp::Matrix(n, n);
    for (std::size_t i = 0; i < n; ++i) {
      const double own = *rc::gen::inRange(0, 101) / 100.0;
      pr.accommodation(i, i) = own;
      const auto j = *rc::gen::inRange<std::size_t>(0, n);
      if (j != i) pr.accommodation(i, j) = (1 - own) * (*rc::gen::inRange(0, 101) / 100.0);
    }
  }
  smp::Parameters params;
  params.voting = static_cast<smp::VotingRule>(*rc::gen::inRange(0, 6));
  params.victory = static_cast<smp::VictoryModel>(*rc::gen::inRange(0, 5));
  params.pce = static_cast<smp::PceModel>(*rc::gen::inRange(0, 3));
  params.transition = static_cast<smp::Transition>(*rc::gen::inRange(0, 2));
  params.interpolation = static_cast<smp::Interpolation>(*rc::gen::inRange(0, 3));
  params.bargain_model = static_cast<smp::BargainModel>(*rc::gen::inRange(0, 3));
  params.third_party = static_cast<smp::ThirdParty>(*rc::gen::inRange(0, 3));
  params.risk_range = static_cast<smp::RiskRange>(*rc::gen::inRange(0, 3));
  params.risk_adjust = static_cast<smp::RiskAdjust>(*rc::gen::inRange(0, 5));
  params.seed = *rc::gen::arbitrary<std::uint64_t>();
  params.max_turns = 30;
  // Every combination runs to an answer (where KTAB aborts a slow Markov PCE, entente
  // takes the limit of the same iteration).
  const smp::Trajectory tr = smp::run(pr, params);
  RC_ASSERT(tr.states.size() >= 2U);
  RC_ASSERT(tr.states.size() <= 31U);
  for (std::size_t k = 0; k < d; ++k) {
    double lo = 1;
    double hi = 0;
    for (std::size_t i = 0; i < n; ++i) {
      lo = std::min(lo, pr.position(i, k));
      hi = std::max(hi, pr.position(i, k));
    }
    for (const auto& st : tr.states) {
      for (std::size_t i = 0; i < n; ++i) {
        RC_ASSERT(st.position(i, k) >= lo - 5e-5);
        RC_ASSERT(st.position(i, k) <= hi + 5e-5);
      }
    }
  }
  for (const auto& st : tr.states) {
    double total = 0;
    for (double p : st.unique_probability) {
      RC_ASSERT(p >= 0);
      total += p;
    }
    RC_ASSERT(std::fabs(total - 1) < 1e-6);
  }
}

// ---------------------------------------------------------------------------------------
// The readers.

TEST(KtabReader, ReadsTheShippedCsvTables) {
  for (const char* name :
       {"dummyData_3Dim.csv", "dummyData_6Dim.csv", "dummyData-a040.csv", "dummyData-a080.csv",
        "SOE-Policy.csv", "SOE-Competitive.csv", "SOE-Pol-Comp.csv"}) {
    const std::string text = ktab_file(name);
    EXPECT_TRUE(looks_like_ktab_csv(text)) << name;
    EXPECT_FALSE(looks_like_ktab_xml(text)) << name;
    const Scenario s = load_ktab_csv(text, name);
    EXPECT_GE(s.actors.size(), 3U) << name;
    for (const Issue& is : s.issues) {
      EXPECT_EQ(is.stances.size(), s.actors.size());
      EXPECT_EQ(is.scale.min, 0);
      EXPECT_EQ(is.scale.max, 100);
    }
  }
  // Other tables and scenarios are not mistaken for KTAB's.
  for (const char* other : {"bdm/ec-emissions-1994.csv", "bdm/kyoto.csv", "deu/deu-dev.tsv"}) {
    EXPECT_FALSE(looks_like_ktab_csv(test::read_file(test::shared_data_path(other)))) << other;
  }
  const std::string yaml = test::read_file(test::source_path("scenarios/korea-2003.yaml"));
  EXPECT_FALSE(looks_like_ktab_csv(yaml));
  EXPECT_FALSE(looks_like_ktab_xml(yaml));
  const Scenario s = load_ktab_csv(ktab_file("SOE-Pol-Comp.csv"), "SOE-Pol-Comp.csv");
  EXPECT_EQ(s.title, "China Policy/Competitive; scen 2");
  ASSERT_EQ(s.issues.size(), 2U);
  EXPECT_EQ(s.issues[0].name, "Policy Position");
  EXPECT_EQ(s.issues[0].id, "Policy_Position");
  EXPECT_EQ(s.actors[0].id, "XJ");
  EXPECT_EQ(s.actors[0].kind, ActorKind::kGroup);
  EXPECT_DOUBLE_EQ(s.actors[0].capability.value, 100.0);
  EXPECT_DOUBLE_EQ(s.issues[1].stances[0].position.value, 20);
  EXPECT_DOUBLE_EQ(s.issues[1].stances[0].salience.value, 0.48);
}

TEST(KtabReader, ReadsTheShippedXmlAndSaysWhyTheOtherFails) {
  const std::string ok = ktab_file("dummyData_3Dim.xml");
  EXPECT_TRUE(looks_like_ktab_xml(ok));
  EXPECT_FALSE(looks_like_ktab_csv(ok));
  EXPECT_EQ(load_ktab_xml(ok, "d.xml").scenario.actors.size(), 7U);
  const std::string bad = ktab_file("smpExample.xml");
  EXPECT_TRUE(looks_like_ktab_xml(bad));
  try {
    (void)load_ktab_xml(bad, "smpExample.xml");
    ADD_FAILURE() << "the empty <dCoord> must be reported";
  } catch (const InputError& e) {
    const std::string msg = e.diagnostics().str();
    EXPECT_NE(msg.find("smpExample.xml:32:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("Scenario.Actors.Actor[0].Position.dCoord[0]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("empty <dCoord>"), std::string::npos) << msg;
    EXPECT_EQ(e.diagnostics().size(), 1U) << msg;
  }
}

struct BadInput {
  std::string text;
  std::string where;  // "line:col" expected in the first diagnostic
  std::string what;   // substring expected in it
};

std::string first_error(const std::string& text, bool xml) {
  try {
    if (xml) {
      (void)load_ktab_xml(text, "in.xml");
    } else {
      (void)load_ktab_csv(text, "in.csv");
    }
  } catch (const InputError& e) {
    return e.diagnostics().items().empty() ? "?" : format_diagnostic(e.diagnostics().items()[0]);
  }
  return "";
}

const char* const kCsvHead = "S,desc,3,2,\nActor,Desc,Power,P1,S1,P2,S2,\n";

TEST(KtabReader, ReportsEveryCsvMalformationWithLineAndColumn) {
  const std::vector<BadInput> cases = {
      {"", "1:1", "empty file"},
      // The NUL is reported where it is, not at 1:1 (issue 15).
      {std::string("a,b\0,3,1\n", 9), "1:4", "binary data: a NUL byte"},
      {"S,d,x,2\n", "1:5", "number of actors"},
      {"S,d,2,2\n", "1:5", "from 3 to 250"},
      {"S,d,251,2\n", "1:5", "from 3 to 250"},
      {"S,d,3,0\n", "1:7", "number of dimensions"},
      {"S,d,3\n", "1:6", "missing"},
      {"S,d,3,1\n", "2:1", "missing heading row"},
      {"S,d,3,2\nActor,Desc,Power,P1,S1\n", "2:23", "2 dimensions need 7"},
      {"S,d,3,1\nActor,Desc,Power,,S1\n", "2:18", "empty dimension name"},
      {"S,d,3,2\nActor,Desc,Power,P1,S1,P1,S2\n", "2:24", "named twice"},
      {std::string(kCsvHead) + "A,a,1,50,10,50,10\nB,b,1,50,10,50,10\n", "5:1",
       "declares 3 actors"},
      {std::string(kCsvHead) + "A,a,x,50,10,50,10\n", "3:5", "'x' is not a number"},
      {std::string(kCsvHead) + "A,a,-1,50,10,50,10\n", "3:5", "out of range"},
      {std::string(kCsvHead) + "A,a,1e9,50,10,50,10\n", "3:5", "[0, 1e8]"},
      {std::string(kCsvHead) + "A,a,1,101,10,50,10\n", "3:7", "position in [0, 100]"},
      {std::string(kCsvHead) + "A,a,1,50,-1,50,10\n", "3:10", "salience in [0, 100]"},
      {std::string(kCsvHead) + "A,a,1,50,60,50,50\n", "3:16", "sum to 110"},
      {std::string(kCsvHead) + "A,a,1,50,10,50\n", "3:", "missing salience"},
      {std::string(kCsvHead) + ",a,1,50,10,50,10\n", "3:1", "missing actor name"},
      {std::string(kCsvHead) + "ABCDEFGHIJKLMNOPQRSTUVWXYZ,a,1,50,10,50,10\n", "3:1",
       "25 characters"},
      {std::string(kCsvHead) + "A,a,1,50,10,50,10\nA,a,1,50,10,50,10\n", "4:1",
       "duplicate actor 'A'"},
      {std::string(kCsvHead) + "A,a,1,50,10,50,10,9\n", "3:19", "unexpected field '9'"},
      {std::string(kCsvHead) + "A,\"a,1,50,10,50,10\n", "3:3", "unterminated quoted field"},
      {std::string(kCsvHead) + "A,\"a\"x,1,50,10,50,10\n", "3:6", "after a closing quote"},
      {std::string(kCsvHead) +
           "A,a,1,50,10,50,10\nB,b,1,50,10,50,10\nC,c,1,50,10,50,10\nD,d,1,50,10,50,10\n",
       "6:1", "more actor rows"},
  };
  for (const BadInput& c : cases) {
    const std::string err = first_error(c.text, false);
    EXPECT_NE(err.find("in.csv:" + c.where), std::string::npos) << c.text << "\n→ " << err;
    EXPECT_NE(err.find(c.what), std::string::npos) << c.text << "\n→ " << err;
    EXPECT_NE(err.find(": error: "), std::string::npos) << err;
  }
}

TEST(KtabReader, AcceptsKtabsLiberties) {
  // Quoted fields, "$$" for a comma, blank lines, CRLF, a BOM, no trailing comma.
  const std::string text =
      "\xEF\xBB\xBF\"Name, with comma\",a$$b,3,1\r\n\r\nActor,Desc,Power,Dim One,Sal\r\n"
      "A, first ,1.5,+10,50\r\n,,,,\r\nB,\"b \"\"q\"\"\",2,20.5,50\r\nC,,3,100,100\r\n";
  const Scenario s = load_ktab_csv(text, "x.csv");
  EXPECT_EQ(s.title, "Name, with comma");
  EXPECT_EQ(s.description.rfind("a,b", 0), 0U);
  ASSERT_EQ(s.actors.size(), 3U);
  EXPECT_EQ(s.issues[0].id, "Dim_One");
  EXPECT_DOUBLE_EQ(s.issues[0].stances[1].position.value, 20.5);
  EXPECT_DOUBLE_EQ(s.issues[0].stances[2].salience.value, 1.0);
}

TEST(KtabReader, ReportsEveryXmlMalformationWithLineAndColumn) {
  const std::string actors =
      "<Actors>"
      "<Actor><name>A</name><description/><capability>1</capability>"
      "<Position><dCoord>10</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>"
      "<Actor><name>B</name><description/><capability>2</capability>"
      "<Position><dCoord>20</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>"
      "<Actor><name>C</name><description/><capability>3</capability>"
      "<Position><dCoord>90</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>"
      "</Actors>";
  const std::string head =
      "<Scenario><name>S</name><desc>d</desc><prngSeed>7</prngSeed>"
      "<Dimensions><dName>X</dName></Dimensions>\n";
  auto doc = [&](const std::string& extra) { return head + actors + "\n" + extra + "</Scenario>"; };
  // A valid document first, so the cases below fail for the reason they name.
  EXPECT_EQ(first_error(doc(""), true), "");
  const std::vector<BadInput> cases = {
      {"", "1:1", "no root element"},
      {"<Scenario>", "1:11", "missing end tag for <Scenario>"},
      {"<Scenario></Scenaro>", "1:13", "does not match <Scenario>"},
      {"<!DOCTYPE x><Scenario/>", "1:1", "document type"},
      {"<Scenario a='1' a='2'/>", "1:17", "given twice"},
      {"<Scenario>&bogus;</Scenario>", "1:11", "unknown entity"},
      {"<Other/>", "1:1", "expected <Scenario>"},
      {"<Scenario><name>S</name></Scenario>", "1:1", "missing <prngSeed>"},
      {doc("<Extra/>"), "3:1", "unknown element <Extra>"},
      {doc("<IdealAdjustmnt/>"), "3:1", "did you mean <IdealAdjustment>"},
      {head + "<Actors/></Scenario>", "2:1", "KTAB needs 3 to 250"},
      {doc("<IdealAdjustment><iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>Z"
           "</referencePos><adjust>0.5</adjust></iaPair></IdealAdjustment>"),
       "3:", "unknown actor 'Z'"},
      {doc("<IdealAdjustment><iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>B"
           "</referencePos><adjust>0.5</adjust></iaPair></IdealAdjustment>"),
       "3:", "sum to 1.5"},
      {doc("<ModelParameters><VictoryProbModel>Cubic</VictoryProbModel></ModelParameters>"),
       "3:", "expected one of: Linear"},
  };
  for (const BadInput& c : cases) {
    const std::string err = first_error(c.text, true);
    EXPECT_NE(err.find("in.xml:" + c.where), std::string::npos) << c.text << "\n→ " << err;
    EXPECT_NE(err.find(c.what), std::string::npos) << c.text << "\n→ " << err;
  }
  // Field errors, located at the offending text.
  std::string bad = doc("");
  bad.replace(bad.find("<dCoord>20"), 10, "<dCoord>200");
  EXPECT_NE(first_error(bad, true).find("200 is out of range"), std::string::npos);
  bad = doc("");
  bad.replace(bad.find("<prngSeed>7"), 11, "<prngSeed>x7");
  EXPECT_NE(first_error(bad, true).find("in.xml:1:"), std::string::npos);
  EXPECT_NE(first_error(bad, true).find("'x7'"), std::string::npos);
}

TEST(KtabReader, XmlModelParametersBecomeSmpOptions) {
  const std::string text =
      "<?xml version='1.0'?><!-- c --><Scenario><name>S &amp; T</name><desc/>"
      "<prngSeed>0</prngSeed><ModelParameters><VictoryProbModel>Square</VictoryProbModel>"
      "<PCEModel>MarkovUniform</PCEModel><StateTransitions>Stochastic</StateTransitions>"
      "<VotingRule>Proportional</VotingRule><BigRAdjust>No</BigRAdjust><BigRRange>Max</BigRRange>"
      "<ThirdPartyCommit>FullCommit</ThirdPartyCommit><InterVecBrgn>S1P1</InterVecBrgn>"
      "<BargnModel>PWCompInterp</BargnModel></ModelParameters>"
      "<Dimensions><dName>X</dName></Dimensions><Actors>"
      "<Actor><name>A b</name><description>x</description><capability>1</capability>"
      "<Position><dCoord>10</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>"
      "<Actor><name>B</name><description/><capability>2</capability>"
      "<Position><dCoord>20</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>"
      "<Actor><name>C</name><description/><capability>3</capability>"
      "<Position><dCoord><![CDATA[90]]></dCoord></Position><Salience><dSal>50</dSal></Salience>"
      "</Actor></Actors><IdealAdjustment><iaPair><adjustingIdeal>A b</adjustingIdeal>"
      "<referencePos>A b</referencePos><adjust>0.5</adjust></iaPair></IdealAdjustment></Scenario>";
  const KtabInput in = load_ktab_xml(text, "p.xml");
  const std::map<std::string, std::string> expected = {{"seed", "run"},
                                                       {"win_model", "Square"},
                                                       {"pce", "MarkovUniform"},
                                                       {"bargain_choice", "Stochastic"},
                                                       {"vote_rule", "Prop"},
                                                       {"risk_adjust", "None"},
                                                       {"risk_range", "Max"},
                                                       {"third_party", "FullCommit"},
                                                       {"interpolation", "S1P1"},
                                                       {"bargain_model", "PWCompInterp"},
                                                       {"accommodation", "A_b:A_b=0.5"}};
  EXPECT_EQ(in.smp_options, expected);
  EXPECT_EQ(in.scenario.title, "S & T");
  EXPECT_DOUBLE_EQ(in.scenario.issues[0].stances[2].position.value, 90);
  // Every option the reader produces is one the model accepts.
  EXPECT_NO_THROW((void)make_model("smp", in.smp_options));
  const Result r = make_model("smp", in.smp_options)->run(in.scenario, RunContext{5});
  EXPECT_TRUE(r.issues[0].forecast.has_value());
}

// Whatever the bytes, the readers either return a scenario or throw InputError.
RC_GTEST_PROP(KtabReader, NeverCrashesOnMutatedInput, ()) {
  const bool xml = *rc::gen::arbitrary<bool>();
  static const std::string csv_text = ktab_file("dummyData_3Dim.csv");
  static const std::string xml_text = ktab_file("dummyData_3Dim.xml");
  std::string text = xml ? xml_text : csv_text;
  const auto edits = *rc::gen::inRange(1, 8);
  for (int e = 0; e < edits; ++e) {
    const auto at = *rc::gen::inRange<std::size_t>(0, text.size());
    const auto kind = *rc::gen::inRange(0, 3);
    const char c = *rc::gen::elementOf(std::string(",<>/\n\"$&;0123456789.-eE xX"));
    if (kind == 0) {
      text.erase(at, 1);
    } else if (kind == 1) {
      text.insert(at, 1, c);
    } else {
      text[at] = c;
    }
  }
  try {
    if (xml) {
      (void)load_ktab_xml(text, "m.xml");
    } else {
      (void)load_ktab_csv(text, "m.csv");
    }
  } catch (const InputError& e) {
    RC_ASSERT(!e.diagnostics().empty());
  }
}

}  // namespace
}  // namespace entente

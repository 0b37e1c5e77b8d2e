// Gambit .efg/.nfg reading and writing (include/entente/game_io.hpp): the shared reference
// files, round trips (also on random games), written files checked against the format's
// grammar by an independent checker, and bad input reported with file, line and column.
#include "entente/game_io.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cctype>
#include <map>

#include "entente/diagnostics.hpp"
#include "games/random_games.hpp"
#include "support/test_support.hpp"

namespace entente::games {
namespace {

using Q = Rational;

std::string shared(const std::string& name) {
  return entente::test::read_file(entente::test::source_path("tests/data/games/" + name));
}

// ---------------------------------------------------------------- equality

// Same tree, labels, payoffs and information partition (node and infoset indices may differ).
::testing::AssertionResult same_game(const ExtensiveGame& a, const ExtensiveGame& b) {
  if (a.title() != b.title() || a.comment() != b.comment() || a.players() != b.players()) {
    return ::testing::AssertionFailure() << "title, comment or players differ";
  }
  const auto oa = a.prefix_order();
  const auto ob = b.prefix_order();
  if (oa.size() != ob.size()) return ::testing::AssertionFailure() << "node counts differ";
  std::map<int, int> infoset_map;
  for (std::size_t k = 0; k < oa.size(); ++k) {
    const Node& na = a.node(oa[k]);
    const Node& nb = b.node(ob[k]);
    if (na.kind != nb.kind || na.label != nb.label || na.children.size() != nb.children.size()) {
      return ::testing::AssertionFailure() << "node " << k << " differs";
    }
    if ((na.outcome < 0) != (nb.outcome < 0)) {
      return ::testing::AssertionFailure() << "node " << k << ": outcome presence differs";
    }
    if (na.outcome >= 0) {
      const Outcome& x = a.outcomes()[static_cast<std::size_t>(na.outcome)];
      const Outcome& y = b.outcomes()[static_cast<std::size_t>(nb.outcome)];
      if (x.label != y.label || x.payoffs != y.payoffs) {
        return ::testing::AssertionFailure() << "node " << k << ": outcome differs";
      }
    }
    if (na.infoset >= 0) {
      auto [it, fresh] = infoset_map.emplace(na.infoset, nb.infoset);
      if (!fresh && it->second != nb.infoset) {
        return ::testing::AssertionFailure() << "node " << k << ": information partition differs";
      }
      const Infoset& x = a.infoset(na.infoset);
      const Infoset& y = b.infoset(nb.infoset);
      if (x.player != y.player || x.number != y.number || x.label != y.label ||
          x.actions != y.actions || x.probs != y.probs) {
        return ::testing::AssertionFailure() << "node " << k << ": infoset differs";
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// Same players, strategies and payoff table; with `outcomes`, the same outcome list and cells.
::testing::AssertionResult same_game(const StrategicGame& a, const StrategicGame& b, bool outcomes,
                                     bool names = true) {
  if (a.title() != b.title() || a.comment() != b.comment() || a.players() != b.players()) {
    return ::testing::AssertionFailure() << "title, comment or players differ";
  }
  for (int p = 0; p < a.num_players(); ++p) {
    if (a.num_strategies(p) != b.num_strategies(p)) {
      return ::testing::AssertionFailure() << "strategy counts differ";
    }
  }
  if (names && a.strategies() != b.strategies()) {
    return ::testing::AssertionFailure() << "strategy names differ";
  }
  for (std::size_t c = 0; c < a.num_cells(); ++c) {
    for (int p = 0; p < a.num_players(); ++p) {
      if (a.payoff(c, p) != b.payoff(c, p)) {
        return ::testing::AssertionFailure() << "payoff differs in cell " << c;
      }
    }
  }
  if (outcomes) {
    if (a.cells() != b.cells() || a.outcomes().size() != b.outcomes().size()) {
      return ::testing::AssertionFailure() << "outcome table differs";
    }
    for (std::size_t o = 0; o < a.outcomes().size(); ++o) {
      if (a.outcomes()[o].label != b.outcomes()[o].label) {
        return ::testing::AssertionFailure() << "outcome label differs";
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------- grammar checker

// An independent checker of the grammar in Gambit's doc/formats.efg.rst, formats.nfgpay.rst
// and formats.nfgout.rst (not the parser under test): tokens, then the productions.
struct GrammarChecker {
  struct Tok {
    char kind;  // 's' string, 'n' number, 'w' word, '{', '}', ','
    std::string text;
  };
  std::vector<Tok> toks;
  std::size_t pos = 0;
  std::string problem;

  explicit GrammarChecker(const std::string& text) {
    std::size_t i = 0;
    while (i < text.size()) {
      const char c = text[i];
      if (std::isspace(static_cast<unsigned char>(c)) != 0) {
        ++i;
      } else if (c == '{' || c == '}' || c == ',') {
        toks.push_back({c, std::string(1, c)});
        ++i;
      } else if (c == '"') {
        std::string s;
        ++i;
        while (i < text.size() && text[i] != '"') {
          if (text[i] == '\\') ++i;
          if (i < text.size()) s += text[i++];
        }
        if (i >= text.size()) problem = "unterminated string";
        ++i;
        toks.push_back({'s', s});
      } else {
        std::string w;
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) == 0 &&
               text[i] != '{' && text[i] != '}' && text[i] != ',' && text[i] != '"') {
          w += text[i++];
        }
        const bool number = std::isalpha(static_cast<unsigned char>(w[0])) == 0;
        toks.push_back({number ? 'n' : 'w', w});
      }
    }
  }
  bool at(char kind) const { return pos < toks.size() && toks[pos].kind == kind; }
  bool take(char kind, const std::string& text = "") {
    if (!at(kind) || (!text.empty() && toks[pos].text != text)) {
      if (problem.empty()) problem = "token " + std::to_string(pos) + ": expected " + kind + text;
      return false;
    }
    ++pos;
    return true;
  }
  static bool integer(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
  }
  static bool rational(const std::string& s) {
    std::string t = s[0] == '-' ? s.substr(1) : s;
    const auto slash = t.find('/');
    if (slash == std::string::npos) return integer(t);
    return integer(t.substr(0, slash)) && integer(t.substr(slash + 1));
  }
  bool take_int() { return at('n') && integer(toks[pos].text) ? (++pos, true) : take('x'); }
  bool take_num() { return at('n') && rational(toks[pos].text) ? (++pos, true) : take('x'); }
  bool payoffs(std::size_t n) {
    if (!take('{')) return false;
    for (std::size_t k = 0; k < n; ++k) {
      if (k > 0 && at(',')) ++pos;
      if (!take_num()) return false;
    }
    return take('}');
  }
  std::size_t string_list() {
    if (!take('{')) return 0;
    std::size_t n = 0;
    while (at('s')) ++pos, ++n;
    take('}');
    return n;
  }

  std::string check_efg() {
    take('w', "EFG") && take('n', "2") && take('w', "R") && take('s');
    const std::size_t n = string_list();
    if (at('s')) ++pos;
    long pending = 1;
    while (problem.empty() && pending > 0) {
      --pending;
      if (!at('w')) return "expected a node";
      const std::string kind = toks[pos++].text;
      take('s');
      if (kind == "c" || kind == "p") {
        if (kind == "p") take_int();
        take_int();
        take('s');
        take('{');
        while (at('s')) {
          ++pos;
          if (kind == "c") take_num();
          ++pending;
        }
        take('}');
      } else if (kind != "t") {
        return "bad node kind " + kind;
      }
      take_int();
      if (at('s')) {
        ++pos;
        payoffs(n);
      }
    }
    if (problem.empty() && pos != toks.size()) problem = "trailing tokens";
    return problem;
  }

  std::string check_nfg() {
    take('w', "NFG") && take('n', "1") && take('w', "R") && take('s');
    const std::size_t n = string_list();
    take('{');
    std::size_t cells = 1;
    if (at('{')) {
      for (std::size_t p = 0; p < n; ++p) cells *= string_list();
      take('}');
      if (at('s')) ++pos;
      take('{');
      std::size_t outcomes = 0;
      while (at('{')) {
        ++pos;
        take('s');
        for (std::size_t k = 0; k < n; ++k) {
          if (k > 0 && at(',')) ++pos;
          take_num();
        }
        take('}');
        ++outcomes;
      }
      take('}');
      for (std::size_t c = 0; c < cells && problem.empty(); ++c) {
        if (at('n') && integer(toks[pos].text) && std::stoul(toks[pos].text) > outcomes) {
          problem = "outcome number out of range";
        }
        take_int();
      }
    } else {
      for (std::size_t p = 0; p < n; ++p) {
        if (at('n')) cells *= std::stoul(toks[pos].text);
        take_int();
      }
      take('}');
      if (at('s')) ++pos;
      for (std::size_t k = 0; k < cells * n && problem.empty(); ++k) take_num();
    }
    if (problem.empty() && pos != toks.size()) problem = "trailing tokens";
    return problem;
  }
};

std::string efg_grammar(const std::string& text) { return GrammarChecker(text).check_efg(); }
std::string nfg_grammar(const std::string& text) { return GrammarChecker(text).check_nfg(); }

// ---------------------------------------------------------------- shared files

TEST(GamesIo, ReadsKuhnPoker) {
  const ExtensiveGame g = read_efg(shared("openspiel_kuhn_poker.efg"), "kuhn.efg");
  EXPECT_EQ(g.title(), "Kuhn poker");
  EXPECT_EQ(g.players(), (std::vector<std::string>{"Player 1", "Player 2"}));
  EXPECT_EQ(g.comment(), "A simplified poker game: https://en.wikipedia.org/wiki/Kuhn_poker");
  EXPECT_EQ(g.nodes().size(), 58U);  // root + 3 + 6 deals x 9 nodes (the file's lines)
  EXPECT_EQ(g.player_infosets(1).size(), 6U);
  EXPECT_EQ(g.player_infosets(2).size(), 6U);
  EXPECT_EQ(g.infoset(g.node(0).infoset).probs, (std::vector<Q>{Q(1, 3), Q(1, 3), Q(1, 3)}));
  EXPECT_EQ(g.perfect_recall_problem(), "");
  // "-2.0" payoffs read exactly.
  EXPECT_EQ(g.outcomes()[0].payoffs, (std::vector<Q>{-1, 1}));
}

TEST(GamesIo, ReadsEntryAndPokerAndSelten) {
  const ParsedGame entry = read_game(shared("gambit_entry_accommodation.efg"), "e.efg");
  ASSERT_EQ(entry.format, GameFormat::kEfg);
  const auto& e = std::get<ExtensiveGame>(entry.game);
  EXPECT_EQ(e.infosets().size(), 4U);
  EXPECT_EQ(e.outcomes().size(), 6U);
  const ExtensiveGame poker = read_efg(shared("gambit_doc_poker.efg"), "p.efg");
  EXPECT_EQ(poker.players(), (std::vector<std::string>{"Alice", "Bob"}));
  EXPECT_EQ(poker.outcomes()[0].label, "Alice wins big");
  GameFormat f = GameFormat::kEfg;
  const StrategicGame s = read_nfg(shared("gambit_selten_fig2.nfg"), "s.nfg", &f);
  EXPECT_EQ(f, GameFormat::kNfgPayoff);
  EXPECT_EQ(s.strategies()[0], (std::vector<std::string>{"1", "2", "3"}));
  // formats.nfgpay.rst: the third pair "0 2" is player 1's third strategy against the first.
  EXPECT_EQ(s.payoff(s.cell({2, 0}), 1), 2);
  EXPECT_EQ(s.payoff(s.cell({2, 1}), 0), 2);
}

TEST(GamesIo, DocumentationSamplesParse) {
  // The outcome-version sample of formats.nfgout.rst: the same game as Selten fig 2.
  const std::string out_text =
      R"(NFG 1 R "Selten (IJGT, 75), Figure 2, normal form" { "Player 1" "Player 2" }

{
{ "1" "2" "3" }
{ "1" "2" }
}
""

{
{ "" 1, 1 }
{ "" 0, 2 }
{ "" 0, 2 }
{ "" 1, 1 }
{ "" 0, 3 }
{ "" 2, 0 }
}
1 2 3 4 5 6
)";
  GameFormat f = GameFormat::kEfg;
  const StrategicGame a = read_nfg(out_text, "sample.nfg", &f);
  EXPECT_EQ(f, GameFormat::kNfgOutcome);
  StrategicGame b = read_nfg(shared("gambit_selten_fig2.nfg"), "s.nfg");
  b.set_title(a.title());
  EXPECT_TRUE(same_game(a, b, false, true));
  // Escaped quotes in labels (formats.rst) and decimals equal to fractions.
  const ExtensiveGame g = read_efg(
      R"(EFG 2 R "An example of a \"Bayesian game\"" { "P" } c "" 1 "" { "a" 0.1 "b" 9/10 } 0
         t "" 1 "x" { 1e-1 } t "" 1)",
      "q.efg");
  EXPECT_EQ(g.title(), "An example of a \"Bayesian game\"");
  EXPECT_EQ(g.infoset(0).probs[0], Q(1, 10));
  EXPECT_EQ(g.outcomes()[0].payoffs[0], Q(1, 10));
}

TEST(GamesIo, SharedFilesRoundTripAndMatchTheGrammar) {
  for (const char* name :
       {"openspiel_kuhn_poker.efg", "gambit_doc_poker.efg", "gambit_entry_accommodation.efg"}) {
    SCOPED_TRACE(name);
    const ExtensiveGame g = read_efg(shared(name), name);
    const std::string text = write_efg(g);
    EXPECT_EQ(efg_grammar(text), "") << text;
    EXPECT_TRUE(same_game(g, read_efg(text, "written.efg")));
    EXPECT_EQ(write_efg(read_efg(text, "written.efg")), text);  // the writer is a fixed point
  }
  GameFormat f = GameFormat::kEfg;
  const StrategicGame s = read_nfg(shared("gambit_selten_fig2.nfg"), "s.nfg");
  for (GameFormat out : {GameFormat::kNfgPayoff, GameFormat::kNfgOutcome}) {
    const std::string text = write_nfg(s, out);
    EXPECT_EQ(nfg_grammar(text), "") << text;
    const StrategicGame back = read_nfg(text, "w.nfg", &f);
    EXPECT_EQ(f, out);
    EXPECT_TRUE(same_game(s, back, out == GameFormat::kNfgOutcome));
  }
}

TEST(GamesIo, ReducedFormOfKuhnIsWellFormedNfg) {
  const ExtensiveGame g = read_efg(shared("openspiel_kuhn_poker.efg"), "kuhn.efg");
  const ReducedForm form = reduced_strategic_form(g);
  // Player 1: per card, bet, or check then fold/call: 3^3 = 27; player 2: 2^6 = 64.
  EXPECT_EQ(form.game.num_strategies(0), 27);
  EXPECT_EQ(form.game.num_strategies(1), 64);
  const std::string text = write_nfg(form.game);
  EXPECT_EQ(nfg_grammar(text), "");
  EXPECT_TRUE(same_game(form.game, read_nfg(text, "k.nfg"), true));
}

// ---------------------------------------------------------------- bad input

struct BadCase {
  const char* text;
  const char* diagnostic;  // the exact formatted diagnostic
};

TEST(GamesIo, BadInputNamesFileLineColumnAndWhatWasExpected) {
  const BadCase cases[] = {
      {"",
       "bad.efg:1:1: error: header: found end of file; expected 'EFG' or 'NFG' starting a "
       "Gambit game file"},
      {"EFG 3 R \"\" { \"A\" }", "bad.efg:1:5: error: header: found number 3; expected version 2"},
      {"EFG 2 R \"x\" { \"A\" }\n\np \"\" 2 1 \"\" { \"a\" } 0\n",
       "bad.efg:3:6: error: node 1: player 2 does not exist; expected 1..1"},
      {"EFG 2 R \"x\" { \"A\" }\np \"\" 1 1 \"\" { \"a\" \"b\" } 0\nt \"\" 0\n",
       "bad.efg:4:1: error: node 3: found end of file; expected a node: 'c' (chance), 'p' "
       "(player) or 't' (terminal); the tree is incomplete"},
      {"EFG 2 R \"x\" { \"A\" \"B\" }\nt \"\" 1 \"o\" { 1 }\n",
       "bad.efg:2:16: error: node 1: found '}'; expected another payoff: 2 payoffs, one per "
       "player"},
      {"EFG 2 R \"x\" { \"A\" }\nc \"\" 1 \"\" { \"a\" 1/2 \"b\" 1/3 } 0 t \"\" 0 t \"\" 0\n",
       "bad.efg:2:8: error: node 1: chance probabilities sum to 5/6; expected 1"},
      {"EFG 2 R \"x\" { \"A\" }\nt \"\" 0 \"o\" { 1 }\n",
       "bad.efg:2:8: error: node 1: outcome 0 is the null outcome; expected no name or payoffs"},
      {"EFG 2 R \"x\" { \"A\" }\nt \"\" 3\n",
       "bad.efg:3:1: error: node 1: found end of file; expected the name and payoffs of outcome 3 "
       "(its first appearance)"},
      {"EFG 2 R \"x\" { \"A\" }\np \"\" 1 1 \"\" { \"a\" \"b\" } 0\np \"\" 1 1 \"\" { \"a\" } 0\n"
       "t \"\" 0\nt \"\" 0\n",
       "bad.efg:3:8: error: node 2: player 1's information set 1 is declared differently here; "
       "expected the same name and actions as at its first appearance"},
      {"EFG 2 R \"x\" { \"A\" }\nt \"\" 0 t \"\" 0\n",
       "bad.efg:2:8: error: found 't'; expected end of file: the tree is complete"},
      {"EFG 2 R \"x\" { \"A\" }\nt \"\" 1 \"o\" { 1/0 }\n",
       "bad.efg:2:14: error: node 1: '1/0' is not a number; expected a payoff (one per player) "
       "(an integer, a decimal or a fraction like 1/3)"},
      {"EFG 2 R \"unterminated { \"A\" }",
       "bad.efg:1:26: error: players: found 'A'; expected '{' opening the list of player names"},
      {"EFG 2 R \"x\" { \"A\" }\nt \"\" 0 \x01",
       "bad.efg:2:8: error: found character '\x01'; expected end of file: the tree is complete"},
      {"EFG 2 R \"x\" { \"A\" }\n\xff",
       "bad.efg:2:1: error: binary data (NUL byte or invalid "
       "UTF-8); expected a Gambit .efg or .nfg game"},
      {"NFG 1 R \"\" { \"A\" \"B\" } { 2 2 }\n1 2 3 4 5 6 7\n",
       "bad.efg:3:1: error: payoffs: found end of file; expected more payoffs: 8 numbers (4 "
       "profiles x 2 players), found 7"},
      {"NFG 1 R \"\" { \"A\" \"B\" } { 2 }\n",
       "bad.efg:1:26: error: strategies: 1 strategy lists for 2 players; expected one per player"},
      {"NFG 1 R \"\" { \"A\" } { { \"a\" } }\n{ { \"o\" 1 } }\n2\n",
       "bad.efg:3:1: error: profiles: outcome 2 does not exist; expected 0..1"},
      {"NFG 1 R \"\" { \"A\" } { 0 }",
       "bad.efg:1:22: error: strategies: '0' is not a valid number here; expected a positive "
       "strategy count"},
      {"NFG 1 R \"\" { \"A\" } { 999999999 }",
       "bad.efg:1:22: error: strategies: the game has more than 10000000 strategy profiles; "
       "expected a smaller game"},
      {"NFG 1 R \"\" { \"A\" \"B\" } { 99999 99999 }",
       "bad.efg:1:26: error: strategies: the game has more than 10000000 strategy profiles; "
       "expected a smaller game"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.text);
    try {
      (void)read_game(c.text, "bad.efg");
      ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
      ASSERT_EQ(e.diagnostics().size(), 1U);
      EXPECT_EQ(format_diagnostic(e.diagnostics().items()[0]), c.diagnostic);
    }
  }
}

TEST(GamesIo, KindMismatchAndDeepTreesAreErrorsNotCrashes) {
  EXPECT_THROW((void)read_efg("NFG 1 R \"\" { \"A\" } { 1 } 0", "x.efg"), InputError);
  EXPECT_THROW((void)read_nfg("EFG 2 R \"\" { \"A\" } t \"\" 0", "x.nfg"), InputError);
  // 2000 nested one-action moves read (iteratively, no stack overflow); one more is refused,
  // as the solvers recurse on the tree.
  std::string deep = "EFG 2 R \"\" { \"A\" }\n";
  for (int k = 0; k < 2000; ++k) deep += "p \"\" 1 1 \"\" { \"a\" } 0\n";
  const ExtensiveGame g = read_efg(deep + "t \"\" 0\n", "deep.efg");
  EXPECT_EQ(g.nodes().size(), 2001U);
  EXPECT_EQ(reduced_strategic_form(g).game.num_cells(), 1U);  // deep recursion is safe
  try {
    (void)read_efg(deep + "p \"\" 1 1 \"\" { \"a\" } 0\nt \"\" 0\n", "deep.efg");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostics().items()[0].message,
              "the tree is deeper than 2000 moves; expected a shallower game (the solvers "
              "recurse on the tree)");
  }
}

// ---------------------------------------------------------------- properties

RC_GTEST_PROP(GamesIoProperty, RandomExtensiveGamesRoundTrip, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint32_t>();
  const int players = *rc::gen::inRange(1, 5);
  ExtensiveGame g = test::random_extensive(seed, players, 4, false);
  g.set_comment("comment with \"quotes\" and \\ backslash");
  g.set_node_label(0, "root \"r\"");
  const std::string text = write_efg(g);
  RC_ASSERT(efg_grammar(text).empty());
  RC_ASSERT(same_game(g, read_efg(text, "r.efg")));
}

RC_GTEST_PROP(GamesIoProperty, RandomStrategicGamesRoundTripInBothVariants, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint32_t>();
  const StrategicGame g = test::random_strategic(seed, *rc::gen::inRange(1, 4), 4, 9, 4);
  const std::string out = write_nfg(g, GameFormat::kNfgOutcome);
  RC_ASSERT(nfg_grammar(out).empty());
  RC_ASSERT(same_game(g, read_nfg(out, "o.nfg"), true));
  const std::string pay = write_nfg(g, GameFormat::kNfgPayoff);
  RC_ASSERT(nfg_grammar(pay).empty());
  RC_ASSERT(same_game(g, read_nfg(pay, "p.nfg"), false, false));
}

// Any corruption of a valid file is either read or refused with a diagnostic naming the file.
RC_GTEST_PROP(GamesIoProperty, CorruptedFilesNeverCrash, ()) {
  std::string text =
      write_efg(test::random_extensive(*rc::gen::arbitrary<std::uint32_t>(), 2, 3, false));
  const int edits = *rc::gen::inRange(1, 6);
  for (int k = 0; k < edits; ++k) {
    const auto at =
        static_cast<std::size_t>(*rc::gen::inRange<int>(0, static_cast<int>(text.size())));
    const char c = *rc::gen::elementOf(std::string("{}\",/.-0123456789 ctpEFGNR\n\\"));
    if (*rc::gen::arbitrary<bool>()) {
      text.insert(at, 1, c);
    } else if (at < text.size()) {
      text.erase(at, 1);
    }
  }
  try {
    (void)read_game(text, "fuzz.efg");
  } catch (const InputError& e) {
    RC_ASSERT(!e.diagnostics().empty());
    RC_ASSERT(format_diagnostic(e.diagnostics().items()[0]).rfind("fuzz.efg:", 0) == 0);
  }
}

}  // namespace
}  // namespace entente::games

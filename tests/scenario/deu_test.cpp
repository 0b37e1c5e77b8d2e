// The DEU loader: counts and values checked against an independent plain-string parse of the
// real file, exact diagnostics, and the two capability modes.
#include "entente/deu.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace entente {
namespace {

const char* const kDevFile = "deu/deu-dev.tsv";

// Splits on `sep`, keeping empty fields.
std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// What the file says, parsed independently: per data row with an outcome and >= 3 actors,
// the line, the ids of the actors with both a position and a salience, and the outcome.
struct Expected {
  int line = 0;
  std::vector<std::string> actors;
  std::string outcome;
};

std::vector<Expected> expected_cases(const std::string& text) {
  const auto lines = split(text, '\n');
  const auto header = split(lines.at(0), '\t');
  std::vector<Expected> out;
  for (std::size_t l = 2; l < lines.size(); ++l) {  // line 1 header, line 2 capabilities
    if (lines[l].empty()) continue;
    const auto f = split(lines[l], '\t');
    Expected e;
    e.line = static_cast<int>(l) + 1;
    for (std::size_t i = 0; i < header.size() && i < f.size(); ++i) {
      const std::string& h = header[i];
      if (h.size() < 2 || h[0] != 'p') continue;
      for (std::size_t j = 0; j < header.size() && j < f.size(); ++j) {
        if (header[j] == "s" + h.substr(1) && !f[i].empty() && !f[j].empty()) {
          e.actors.push_back(h.substr(1));
        }
      }
    }
    for (std::size_t i = 0; i < header.size() && i < f.size(); ++i) {
      if (header[i] == "out") e.outcome = f[i];
    }
    if (!e.outcome.empty() && e.actors.size() >= 3) out.push_back(e);
  }
  return out;
}

TEST(DeuLoader, RealFileMatchesAnIndependentParse) {
  const std::string path = test::shared_data_path(kDevFile);
  const std::string text = test::read_file(path);
  const auto expected = expected_cases(text);
  ASSERT_GT(expected.size(), 100U);
  for (DeuCapability mode : {DeuCapability::kEqual, DeuCapability::kGdp}) {
    const auto cases = load_deu_tsv(text, path, mode);
    ASSERT_EQ(cases.size(), expected.size());
    for (std::size_t k = 0; k < cases.size(); ++k) {
      SCOPED_TRACE("line " + std::to_string(expected[k].line));
      EXPECT_EQ(cases[k].line, expected[k].line);
      EXPECT_DOUBLE_EQ(cases[k].outcome, std::stod(expected[k].outcome));
      const Scenario& s = cases[k].scenario;
      ASSERT_EQ(s.issues.size(), 1U);
      ASSERT_EQ(s.actors.size(), expected[k].actors.size());
      ASSERT_EQ(s.issues[0].stances.size(), expected[k].actors.size());
      for (std::size_t a = 0; a < s.actors.size(); ++a) {
        EXPECT_EQ(s.actors[a].id, expected[k].actors[a]);
        EXPECT_EQ(s.issues[0].stances[a].actor, expected[k].actors[a]);
      }
      EXPECT_EQ(s.issues[0].scale.min, 0.0);
      EXPECT_EQ(s.issues[0].scale.max, 100.0);
    }
  }
}

TEST(DeuLoader, FirstRealCaseValues) {
  // Line 3 of the file: d00032i1, pcom 100 scom 50, pat 40 sat 40, rp 0, out 100; GDP row:
  // com 4.1, at 0.48.
  const std::string path = test::shared_data_path(kDevFile);
  const std::string text = test::read_file(path);
  const auto cases = load_deu_tsv(text, path, DeuCapability::kGdp);
  ASSERT_FALSE(cases.empty());
  const DeuCase& c = cases.front();
  EXPECT_EQ(c.line, 3);
  EXPECT_EQ(c.outcome, 100.0);
  const Issue& issue = c.scenario.issues.at(0);
  EXPECT_EQ(issue.id, "d00032i1");
  ASSERT_TRUE(issue.status_quo.has_value());
  EXPECT_EQ(issue.status_quo->value, 0.0);
  const Stance* com = issue.stance("com");
  ASSERT_NE(com, nullptr);
  EXPECT_EQ(com->position.value, 100.0);
  EXPECT_DOUBLE_EQ(com->salience.value, 0.5);
  const Stance* at = issue.stance("at");
  ASSERT_NE(at, nullptr);
  EXPECT_EQ(at->position.value, 40.0);
  EXPECT_DOUBLE_EQ(at->salience.value, 0.4);
  EXPECT_EQ(issue.stance("bu"), nullptr);  // empty cells: absent
  EXPECT_DOUBLE_EQ(c.scenario.actor("com")->capability.value, 4.1);
  EXPECT_DOUBLE_EQ(c.scenario.actor("at")->capability.value, 0.48);
}

// header, capability row, then data rows (tab-separated, as in the real file).
const char* const kSmall =
    "isnr\tpcom\tpep\tpat\tpbe\tscom\tsep\tsat\tsbe\trp\tout\r\n"
    "\t4.1\t4.1\t0.48\t0.58\t\t\t\t\t\t\r\n"
    "x1\t100\t0\t40\t\t50\t80\t20\t\t0\t90\r\n"      // 3 actors (be absent): a case
    "x2\t100\t0\t\t60\t50\t80\t20\t\t\t50\r\n"       // at has no position, be no salience: 2
    "x3\t100\t0\t40\t60\t50\t80\t20\t10\t\t\r\n"     // no outcome
    "x4\t100\t0\t40\t60\t50\t80\t20\t10\t\t70\r\n";  // 4 actors, no reference point

TEST(DeuLoader, EqualCapabilityIsOneForEveryActor) {
  const auto cases = load_deu_tsv(kSmall, "small.tsv", DeuCapability::kEqual);
  ASSERT_EQ(cases.size(), 2U);
  EXPECT_EQ(cases[0].line, 3);
  EXPECT_EQ(cases[1].line, 6);
  EXPECT_EQ(cases[0].outcome, 90.0);
  EXPECT_EQ(cases[1].outcome, 70.0);
  ASSERT_EQ(cases[0].scenario.actors.size(), 3U);
  ASSERT_EQ(cases[1].scenario.actors.size(), 4U);
  for (const auto& c : cases) {
    for (const Actor& a : c.scenario.actors) EXPECT_EQ(a.capability.value, 1.0) << a.id;
  }
  EXPECT_EQ(cases[0].scenario.issues[0].id, "x1");
  ASSERT_TRUE(cases[0].scenario.issues[0].status_quo.has_value());
  EXPECT_EQ(cases[0].scenario.issues[0].status_quo->value, 0.0);
  EXPECT_FALSE(cases[1].scenario.issues[0].status_quo.has_value());
  EXPECT_DOUBLE_EQ(cases[0].scenario.issues[0].stance("ep")->salience.value, 0.8);
  EXPECT_EQ(cases[0].scenario.actor("com")->kind, ActorKind::kOrganisation);
  EXPECT_EQ(cases[0].scenario.actor("at")->kind, ActorKind::kState);
}

TEST(DeuLoader, GdpCapabilityComesFromRowTwo) {
  const auto cases = load_deu_tsv(kSmall, "small.tsv", DeuCapability::kGdp);
  ASSERT_EQ(cases.size(), 2U);
  const Scenario& s = cases[1].scenario;
  EXPECT_DOUBLE_EQ(s.actor("com")->capability.value, 4.1);
  EXPECT_DOUBLE_EQ(s.actor("ep")->capability.value, 4.1);
  EXPECT_DOUBLE_EQ(s.actor("at")->capability.value, 0.48);
  EXPECT_DOUBLE_EQ(s.actor("be")->capability.value, 0.58);
}

TEST(DeuLoader, BadNumberGivesExactDiagnostic) {
  const std::string text =
      "isnr\tpcom\tpep\tpat\tscom\tsep\tsat\trp\tout\n"
      "\t4.1\t4.1\t0.48\t\t\t\t\t\n"
      "x1\t100\t0\t40\t50\t80\t20\t0\t90\n"
      "x2\t100\t5O\t40\t50\t80\t20\t0\t90\n";
  try {
    (void)load_deu_tsv(text, "deu.tsv", DeuCapability::kEqual);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1U) << e.diagnostics().str();
    EXPECT_EQ(format_diagnostic(e.diagnostics().items()[0]),
              "deu.tsv:4:3: error: pep: expected a number, got '5O'");
  }
}

TEST(DeuLoader, OutOfRangeSalienceAndBadCapabilityAreReportedTogether) {
  const std::string text =
      "isnr\tpcom\tpep\tpat\tscom\tsep\tsat\trp\tout\n"
      "\t4.1\tx\t0.48\t\t\t\t\t\n"
      "x1\t100\t0\t40\t50\t180\t20\t0\t90\n";
  try {
    (void)load_deu_tsv(text, "deu.tsv", DeuCapability::kGdp);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostics().str(),
              "deu.tsv:2:3: error: pep: expected a number, got 'x'\n"
              "deu.tsv:3:6: error: sep: value 180 is out of range; expected a number in [0, "
              "100]\n");
  }
}

TEST(DeuLoader, MissingOutcomeColumnIsAnError) {
  EXPECT_THROW(
      (void)load_deu_tsv("pcom\tpep\tpat\tscom\tsep\tsat\n", "deu.tsv", DeuCapability::kEqual),
      InputError);
}

TEST(DeuLoader, DatesAreReadAndMalformedOnesWarnedNotGuessed) {
  // intro DD-MM-YY (26-01-00 is 2000-01-26); finact "1930-05-01" is a spreadsheet's
  // YY-MM-DD reading of 30-05-01: left unset with a warning at line 3, column 4 (finact);
  // 999 is DEU's missing code: unset, no warning; DD-MM-YYYY is read too.
  const char* const table =
      "prnr\tisnr\tintro\tfinact\tpa\tpb\tpc\tsa\tsb\tsc\tout\n"
      "\t\t\t\t1\t1\t1\t\t\t\t\n"
      "d1\td1i1\t26-01-00\t1930-05-01\t0\t50\t100\t50\t50\t50\t40\n"
      "d2\td2i1\t14-12-1999\t999\t0\t50\t100\t50\t50\t50\t40\n";
  std::vector<Diagnostic> warnings;
  const auto cases = load_deu_tsv(table, "d.tsv", DeuCapability::kEqual, &warnings);
  ASSERT_EQ(cases.size(), 2U);
  EXPECT_EQ(cases[0].proposal, "d1");
  EXPECT_EQ(cases[0].issue, "d1i1");
  ASSERT_TRUE(cases[0].introduced.has_value());
  EXPECT_EQ(cases[0].introduced->str(), "2000-01-26");
  EXPECT_EQ(cases[0].scenario.as_of.str(), "2000-01-26");
  EXPECT_FALSE(cases[0].decided.has_value());
  EXPECT_EQ(cases[1].introduced->str(), "1999-12-14");
  EXPECT_FALSE(cases[1].decided.has_value());
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_EQ(warnings[0].where.file, "d.tsv");
  EXPECT_EQ(warnings[0].where.line, 3);
  EXPECT_EQ(warnings[0].where.column, 4);
  EXPECT_EQ(warnings[0].path, "finact");
  EXPECT_NE(warnings[0].message.find("malformed date '1930-05-01'"), std::string::npos);
  EXPECT_NE(warnings[0].message.find("30-05-01"), std::string::npos);
}

TEST(DeuLoader, TheDevFilesThree2005ProposalsHaveUnknownIntroDates) {
  // Lines 176-185 of deu-dev.tsv: n05099, n05124 and d05246, intro "1930-xx-05".
  const std::string path = test::shared_data_path(kDevFile);
  std::vector<Diagnostic> warnings;
  const auto cases = load_deu_tsv(test::read_file(path), path, DeuCapability::kEqual, &warnings);
  std::vector<int> intro_lines;
  for (const auto& w : warnings) {
    if (w.path == "intro") intro_lines.push_back(w.where.line);
  }
  EXPECT_EQ(intro_lines, (std::vector<int>{176, 177, 178, 179, 180, 181, 182, 183, 184, 185}));
  for (const auto& c : cases) {
    if (c.proposal == "n05099" || c.proposal == "n05124" || c.proposal == "d05246") {
      EXPECT_FALSE(c.introduced.has_value()) << c.line;
    } else {
      EXPECT_TRUE(!c.introduced || c.introduced->year >= 1990) << c.line;
    }
  }
}

TEST(DeuLoader, GroupByProposalUnitesActorsAndKeepsIssueOrder) {
  // x1 (actors com, ep, at) and x4 (com, ep, at, be) given one proposal: one scenario with
  // both issues and the four actors; be has a stance on x4 only.
  auto cases = load_deu_tsv(kSmall, "small.tsv", DeuCapability::kEqual);
  ASSERT_EQ(cases.size(), 2U);
  cases[0].proposal = "p";
  cases[1].proposal = "p";
  const auto groups = group_deu_by_proposal(cases);
  ASSERT_EQ(groups.size(), 1U);
  EXPECT_EQ(groups[0].id, "p");
  EXPECT_EQ(groups[0].cases, (std::vector<std::size_t>{0, 1}));
  ASSERT_EQ(groups[0].scenario.issues.size(), 2U);
  EXPECT_EQ(groups[0].scenario.issues[0].id, "x1");
  EXPECT_EQ(groups[0].scenario.issues[1].id, "x4");
  EXPECT_EQ(groups[0].scenario.actors.size(), 4U);
  EXPECT_EQ(groups[0].scenario.issues[0].stance("be"), nullptr);
  EXPECT_NE(groups[0].scenario.issues[1].stance("be"), nullptr);
  // Without proposal ids each case is its own group.
  cases[0].proposal.clear();
  cases[1].proposal.clear();
  EXPECT_EQ(group_deu_by_proposal(cases).size(), 2U);
}

}  // namespace
}  // namespace entente

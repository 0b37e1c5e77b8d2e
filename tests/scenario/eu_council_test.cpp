// The EU Council's rules by date and the DEU cases' procedures. Vote totals and thresholds
// are the treaties' (EC Art. 205(2); 2003 Act of Accession Arts. 12 and 26; TEU Art. 16(4));
// the 62% population quotas are checked against those stated independently in the
// sumtxt/coresize data notes (2,793 / 2,983 / 3,010 in units of 100,000; data/eu/SOURCES.md).
#include "entente/eu_council.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "entente/deu.hpp"
#include "support/test_support.hpp"

namespace entente {
namespace {

DecisionBody qmv_on(Date d) {
  return eu_council(*eu_council_era(d), VotingRule::kQualifiedMajority);
}

TEST(EuCouncil, ErasByDate) {
  EXPECT_FALSE(eu_council_era({1985, 12, 31}).has_value());
  EXPECT_EQ(eu_council_era({1994, 12, 31})->members.size(), 12U);
  EXPECT_EQ(eu_council_era({1995, 1, 1})->members.size(), 15U);
  EXPECT_EQ(eu_council_era({2004, 4, 30})->name, "EU-15 (62 of 87)");
  EXPECT_EQ(eu_council_era({2004, 5, 1})->name, "EU-25 transitional (88 of 124)");
  EXPECT_EQ(eu_council_era({2004, 10, 31})->name, "EU-25 transitional (88 of 124)");
  EXPECT_EQ(eu_council_era({2004, 11, 1})->name, "EU-25 Nice (232 of 321)");
  EXPECT_EQ(eu_council_era({2007, 1, 1})->members.size(), 27U);
  EXPECT_EQ(eu_council_era({2013, 7, 1})->members.size(), 28U);
  EXPECT_EQ(eu_council_era({2014, 10, 31})->name, "EU-28 Nice (260 of 352)");
  EXPECT_EQ(eu_council_era({2014, 11, 1})->name, "EU-28 double majority");
  const auto brexit = eu_council_era({2020, 2, 1});
  EXPECT_EQ(brexit->members.size(), 27U);
  EXPECT_EQ(std::count(brexit->members.begin(), brexit->members.end(), "uk"), 0);
}

TEST(EuCouncil, WeightsAndThresholdsAsTheTreatiesSetThem) {
  const struct {
    Date date;
    double total;
    double threshold;
  } kCases[] = {{{1990, 1, 1}, 76, 54},   {{1999, 1, 1}, 87, 62},   {{2004, 6, 1}, 124, 88},
                {{2005, 1, 1}, 321, 232}, {{2008, 1, 1}, 345, 255}, {{2014, 1, 1}, 352, 260}};
  for (const auto& c : kCases) {
    const DecisionBody b = qmv_on(c.date);
    EXPECT_EQ(b.total_weight(), c.total) << c.date.str();
    EXPECT_EQ(b.threshold, c.threshold) << c.date.str();
  }
  // Nice: a majority of members (13 of 25) and 62% of the population; its quotas in the
  // data's unit are 62% of the sums 4,505 / 4,812 / 4,855.
  const struct {
    Date date;
    double pop_quota;
  } kNice[] = {{{2005, 1, 1}, 2793}, {{2008, 1, 1}, 2983}, {{2014, 1, 1}, 3010}};
  for (const auto& c : kNice) {
    const DecisionBody b = qmv_on(c.date);
    EXPECT_EQ(std::round(*b.population_share * b.total_population()), c.pop_quota);
  }
  EXPECT_NEAR(*qmv_on({2005, 1, 1}).member_share * 25, 13, 1e-12);
  const DecisionBody dm = qmv_on({2021, 1, 1});
  EXPECT_FALSE(dm.threshold.has_value());
  EXPECT_EQ(dm.member_share, 0.55);
  EXPECT_EQ(dm.population_share, 0.65);
  EXPECT_EQ(dm.min_blockers, 4);
  EXPECT_NEAR(dm.total_population(), 100.01, 1e-9);  // the 2025 shares, as published
}

TEST(EuCouncil, PopulationTableMatchesTheCommittedData) {
  std::istringstream csv(test::read_file(test::source_path("data/eu/council-population.csv")));
  std::string line;
  std::getline(csv, line);  // header
  std::size_t rows = 0;
  for (; std::getline(csv, line); ++rows) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) f.push_back(cell);
    ASSERT_GE(f.size(), 3U) << line;
    const auto& table = eu_council_population();
    ASSERT_LT(rows, table.size());
    EXPECT_EQ(f[0], table[rows].member);
    EXPECT_EQ(std::stod(f[2]), table[rows].nice_100k) << f[0];
    EXPECT_EQ(f.size() > 3 ? std::stod(f[3]) : 0.0, table[rows].share_2025_pct) << f[0];
  }
  EXPECT_EQ(rows, eu_council_population().size());
}

TEST(EuCouncil, DeuCasesGetTheRulesInForceOnTheirDate) {
  const std::string path = test::source_path("tests/data/reference/deu/deu-dev.tsv");
  const auto cases = load_deu_tsv(test::read_file(path), path, DeuCapability::kEqual);
  auto at_line = [&](int line) -> const Scenario& {
    for (const DeuCase& c : cases) {
      if (c.line == line) return c.scenario;
    }
    throw std::runtime_error("no case at line " + std::to_string(line));
  };
  // Line 3, d00032i1: introduced 26-01-00, COD, QMV: EU-15 weights, 62 of 87, the
  // Commission proposes, the Parliament co-decides.
  const Procedure& cod = *at_line(3).issues[0].procedure;
  EXPECT_EQ(cod.body.rule, VotingRule::kQualifiedMajority);
  EXPECT_EQ(cod.body.total_weight(), 87);
  EXPECT_EQ(cod.body.threshold, 62);
  EXPECT_EQ(cod.agenda_setter, "com");
  ASSERT_TRUE(cod.co_decision.has_value());
  EXPECT_EQ(cod.co_decision->voters.at(0).actor, "ep");
  // Line 78, n00030i1: CNS, Unan: unanimity of the 15, no co-decision.
  const Procedure& cns = *at_line(78).issues[0].procedure;
  EXPECT_EQ(cns.body.rule, VotingRule::kUnanimity);
  EXPECT_EQ(cns.body.voters.size(), 15U);
  EXPECT_FALSE(cns.co_decision.has_value());
  // Line 176, n05099i1: intro "1930-05-05" is no date; Bulgaria takes a position, so the
  // membership is the EU-27's: Nice weights, 255 of 345, 62% of the population.
  const Procedure& late = *at_line(176).issues[0].procedure;
  EXPECT_EQ(late.body.total_weight(), 345);
  EXPECT_EQ(late.body.threshold, 255);
  EXPECT_EQ(late.body.population_share, 0.62);
  EXPECT_NE(late.basis.find("EU-27 Nice"), std::string::npos) << late.basis;
}

TEST(EuCouncil, UnknownProcedureCellsAreRefused) {
  std::string error;
  const CouncilEra era = *eu_council_era({1999, 1, 1});
  EXPECT_FALSE(deu_procedure("COD", "majority", era, error).has_value());
  EXPECT_EQ(error, "unknown Council voting rule 'majority'; expected QMV, Unan or SM");
  EXPECT_FALSE(deu_procedure("XYZ", "QMV", era, error).has_value());
  EXPECT_EQ(error, "unknown legislative procedure 'XYZ'; expected COD, CNS, AVC or SYN");
  EXPECT_FALSE(deu_procedure("", "QMV", era, error).has_value());
  EXPECT_TRUE(error.empty());
  EXPECT_TRUE(deu_procedure("cns", "QMV(10)", era, error).has_value());
}

}  // namespace
}  // namespace entente

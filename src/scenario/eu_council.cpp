// The EU Council's voting rules by date (sources in include/entente/eu_council.hpp and
// data/eu/SOURCES.md) and DEU cases' procedures.
#include "entente/eu_council.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

namespace entente {

namespace {

const std::vector<std::string>& eu12() {
  static const std::vector<std::string> kIds = {"be", "dk", "de", "el", "es", "fr",
                                                "ie", "it", "lu", "nl", "pt", "uk"};
  return kIds;
}
const std::vector<std::string>& joined_1995() {
  static const std::vector<std::string> kIds = {"at", "fi", "se"};
  return kIds;
}
const std::vector<std::string>& joined_2004() {
  static const std::vector<std::string> kIds = {"cy", "cz", "ee", "hu", "lv",
                                                "lt", "mt", "pl", "si", "sk"};
  return kIds;
}
const std::vector<std::string>& joined_2007() {
  static const std::vector<std::string> kIds = {"bu", "ro"};
  return kIds;
}

// Weighted votes before Nice: EC Treaty Art. 148(2) as amended by the 1985 and 1994 Acts of
// Accession (Art. 205(2) after Amsterdam), and the 2003 Act of Accession Art. 26 for the
// ten members of May 2004.
double old_weight(const std::string& m) {
  static const std::map<std::string, double> kVotes = {
      {"de", 10}, {"fr", 10}, {"it", 10}, {"uk", 10}, {"es", 8}, {"be", 5}, {"el", 5},
      {"nl", 5},  {"pt", 5},  {"at", 4},  {"se", 4},  {"dk", 3}, {"ie", 3}, {"fi", 3},
      {"lu", 2},  {"pl", 8},  {"cz", 5},  {"hu", 5},  {"ee", 3}, {"lv", 3}, {"lt", 3},
      {"si", 3},  {"sk", 3},  {"cy", 2},  {"mt", 2}};
  return kVotes.at(m);
}

// Nice weights: Protocol on the enlargement of the EU (2001) Art. 3 as set by the 2003 Act
// of Accession Art. 12, the 2005 Act Art. 10 (Bulgaria, Romania) and the 2012 Act Art. 20
// (Croatia).
double nice_weight(const std::string& m) {
  static const std::map<std::string, double> kVotes = {
      {"de", 29}, {"fr", 29}, {"it", 29}, {"uk", 29}, {"es", 27}, {"pl", 27}, {"ro", 14},
      {"nl", 13}, {"be", 12}, {"cz", 12}, {"el", 12}, {"hu", 12}, {"pt", 12}, {"at", 10},
      {"se", 10}, {"bu", 10}, {"dk", 7},  {"ie", 7},  {"lt", 7},  {"sk", 7},  {"fi", 7},
      {"cr", 7},  {"cy", 4},  {"ee", 4},  {"lv", 4},  {"lu", 4},  {"si", 4},  {"mt", 3}};
  return kVotes.at(m);
}

std::vector<std::string> joined(std::initializer_list<const std::vector<std::string>*> parts) {
  std::vector<std::string> out;
  for (const auto* p : parts) out.insert(out.end(), p->begin(), p->end());
  return out;
}

const std::vector<CouncilEra>& eras() {
  static const std::vector<CouncilEra> kEras = [] {
    const std::vector<std::string> eu15 = joined({&eu12(), &joined_1995()});
    const std::vector<std::string> eu25 = joined({&eu15, &joined_2004()});
    const std::vector<std::string> eu27 = joined({&eu25, &joined_2007()});
    std::vector<std::string> eu28 = eu27;
    eu28.emplace_back("cr");
    std::vector<std::string> eu27b = eu28;
    eu27b.erase(std::find(eu27b.begin(), eu27b.end(), "uk"));
    return std::vector<CouncilEra>{
        {"EU-12 (54 of 76)", {1986, 1, 1}, eu12()},
        {"EU-15 (62 of 87)", {1995, 1, 1}, eu15},
        {"EU-25 transitional (88 of 124)", {2004, 5, 1}, eu25},
        {"EU-25 Nice (232 of 321)", {2004, 11, 1}, eu25},
        {"EU-27 Nice (255 of 345)", {2007, 1, 1}, eu27},
        {"EU-28 Nice (260 of 352)", {2013, 7, 1}, eu28},
        {"EU-28 double majority", {2014, 11, 1}, eu28},
        {"EU-27 double majority", {2020, 2, 1}, eu27b},
    };
  }();
  return kEras;
}

bool is_nice(const CouncilEra& era) { return era.name.find("Nice") != std::string::npos; }
bool is_double_majority(const CouncilEra& era) {
  return era.name.find("double majority") != std::string::npos;
}

const CouncilPopulation& population_of(const std::string& m) {
  const auto& table = eu_council_population();
  auto it = std::find_if(table.begin(), table.end(),
                         [&](const CouncilPopulation& p) { return m == p.member; });
  return *it;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

const std::vector<CouncilPopulation>& eu_council_population() {
  // data/eu/council-population.csv (sources in data/eu/SOURCES.md).
  static const std::vector<CouncilPopulation> kTable = {
      {"at", 81, 2.02},   {"be", 102, 2.62}, {"bu", 79, 1.43},   {"cr", 43, 0.86},
      {"cy", 8, 0.21},    {"cz", 103, 2.42}, {"de", 820, 18.49}, {"dk", 53, 1.32},
      {"ee", 14, 0.30},   {"el", 105, 2.31}, {"es", 394, 10.78}, {"fi", 52, 1.25},
      {"fr", 590, 15.17}, {"hu", 101, 2.13}, {"ie", 37, 1.19},   {"it", 576, 13.23},
      {"lt", 37, 0.64},   {"lu", 4, 0.15},   {"lv", 24, 0.42},   {"mt", 4, 0.12},
      {"nl", 158, 4.01},  {"pl", 387, 8.33}, {"pt", 100, 2.36},  {"ro", 228, 4.23},
      {"se", 89, 2.34},   {"si", 20, 0.47},  {"sk", 54, 1.21},   {"uk", 592, 0.0}};
  return kTable;
}

std::optional<CouncilEra> eu_council_era(Date date) {
  const auto& all = eras();
  std::optional<CouncilEra> out;
  for (const CouncilEra& e : all) {
    if (e.from <= date) out = e;
  }
  return out;
}

CouncilEra eu_council_era_of_members(const std::vector<std::string>& present) {
  auto any_of = [&](const std::vector<std::string>& ids) {
    return std::any_of(ids.begin(), ids.end(), [&](const std::string& id) {
      return std::find(present.begin(), present.end(), id) != present.end();
    });
  };
  // The first era of each enlargement whose rules are the new ones (Nice for 2004).
  if (std::find(present.begin(), present.end(), "cr") != present.end()) return eras()[5];
  if (any_of(joined_2007())) return eras()[4];
  if (any_of(joined_2004())) return eras()[3];
  return eras()[1];
}

DecisionBody eu_council(const CouncilEra& era, VotingRule rule) {
  DecisionBody body;
  body.rule = rule;
  const bool nice = is_nice(era);
  const bool dm = is_double_majority(era);
  const bool qmv = rule == VotingRule::kQualifiedMajority;
  body.weighted = qmv && !dm;
  for (const std::string& m : era.members) {
    Voter v{m, 1.0, {}};
    if (qmv && nice) v.weight = nice_weight(m);
    if (qmv && !nice && !dm) v.weight = old_weight(m);
    if (qmv && nice) v.population = population_of(m).nice_100k;
    if (qmv && dm) {
      // The 2025 shares leave out the United Kingdom: the EU-28 uses the Nice-era figures.
      const bool with_uk =
          std::find(era.members.begin(), era.members.end(), "uk") != era.members.end();
      v.population = with_uk ? population_of(m).nice_100k : population_of(m).share_2025_pct;
    }
    body.voters.push_back(std::move(v));
  }
  if (!qmv) return body;
  const auto n = static_cast<double>(era.members.size());
  if (dm) {
    body.member_share = 0.55;
    body.population_share = 0.65;
    body.min_blockers = 4;
    return body;
  }
  static const std::map<std::string, double> kThreshold = {{"EU-12 (54 of 76)", 54},
                                                           {"EU-15 (62 of 87)", 62},
                                                           {"EU-25 transitional (88 of 124)", 88},
                                                           {"EU-25 Nice (232 of 321)", 232},
                                                           {"EU-27 Nice (255 of 345)", 255},
                                                           {"EU-28 Nice (260 of 352)", 260}};
  body.threshold = kThreshold.at(era.name);
  if (nice) {
    // "A majority of the members" where the Council acts on a Commission proposal.
    body.member_share = (std::floor(n / 2) + 1) / n;
    body.population_share = 0.62;
  }
  return body;
}

std::optional<Procedure> deu_procedure(const std::string& proc, const std::string& counvte,
                                       const CouncilEra& era, std::string& error) {
  error.clear();
  if (proc.empty() || counvte.empty()) return std::nullopt;
  const std::string p = upper(proc);
  const std::string v = upper(counvte);
  VotingRule rule = VotingRule::kQualifiedMajority;
  if (v.rfind("QMV", 0) == 0) {
    rule = VotingRule::kQualifiedMajority;
  } else if (v.rfind("UNAN", 0) == 0) {
    rule = VotingRule::kUnanimity;
  } else if (v == "SM") {
    rule = VotingRule::kSimpleMajority;
  } else {
    error = "unknown Council voting rule '" + counvte + "'; expected QMV, Unan or SM";
    return std::nullopt;
  }
  Procedure out;
  out.body = eu_council(era, rule);
  out.agenda_setter = "com";
  if (p == "COD" || p == "AVC") {
    // The Parliament, one actor at its DEU position, must consent.
    DecisionBody ep;
    ep.rule = VotingRule::kUnanimity;
    ep.voters.push_back({"ep", 1.0, {}});
    out.co_decision = std::move(ep);
  } else if (p != "CNS" && p != "SYN") {
    error = "unknown legislative procedure '" + proc + "'; expected COD, CNS, AVC or SYN";
    return std::nullopt;
  }
  out.basis = "DEU proc " + proc + ", Council " + counvte + ": " + era.name +
              ", Commission proposes" + (out.co_decision ? ", Parliament co-decides" : "");
  return out;
}

std::string attach_deu_procedure(Scenario& s, const std::string& proc, const std::string& counvte,
                                 std::optional<Date> date) {
  if (s.issues.size() != 1) return "";
  Issue& issue = s.issues.front();
  std::optional<CouncilEra> era = date ? eu_council_era(*date) : std::nullopt;
  if (!era) {
    std::vector<std::string> present;
    for (const Stance& st : issue.stances) present.push_back(st.actor);
    era = eu_council_era_of_members(present);
  }
  std::string error;
  auto procedure = deu_procedure(proc, counvte, *era, error);
  if (!procedure) return error;
  issue.procedure = std::move(*procedure);
  return "";
}

}  // namespace entente

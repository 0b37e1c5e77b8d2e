// The YAML scenario loader's shared load context: the Loader class, with each section of
// the format read in a file of its own (yaml_loader.cpp: the document and the checks
// before parsing; yaml_actors, yaml_geography, yaml_issues, yaml_alliances, yaml_games,
// yaml_events). Not a public header: include/entente/scenario_io.hpp is the interface.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "entente/expression.hpp"
#include "entente/fields.hpp"
#include "entente/game_io.hpp"
#include "entente/games.hpp"
#include "entente/scenario_io.hpp"
#include "scenario/csv.hpp"
#include "scenario/limits.hpp"
#include "scenario/procedure_yaml.hpp"
#include "scenario/yaml_util.hpp"

namespace entente::detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// Functions, not globals: a vector built before main could throw where nothing catches it.
inline const std::vector<std::string>& alliance_types() {
  static const std::vector<std::string> kTypes = {"defence",       "offence",      "neutrality",
                                                  "nonaggression", "consultation", "entente"};
  return kTypes;
}
inline const std::vector<std::string>& force_kinds() {
  static const std::vector<std::string> kKinds = {"ground", "air", "naval", "hq"};
  return kKinds;
}

class Loader {
 public:
  Loader(const LoadOptions& options, Diagnostics& diags)
      : options_(options), r_(options.filename, diags), diags_(diags) {}

  Scenario load(const YAML::Node& root);

 private:
  // --- shared field readers -------------------------------------------------------------

  // A capability: a quantity >= 0, or {cinc: {state, year, share}}.
  void read_capability(const YAML::Node& node, const std::string& path, Actor& actor);

  static std::string fmt_num(double v) { return detail::format_number(v); }

  std::optional<GeoPoint> read_point(const YAML::Node& node, const std::string& path);

  // A location: a place id or {lat, lon}. Sets `place_id` when given by name.
  std::optional<GeoPoint> read_location(const YAML::Node& node, const std::string& path,
                                        const Scenario& s, std::string* place_id);

  template <typename T>
  static std::vector<std::string> ids_of(const std::vector<T>& items) {
    std::vector<std::string> out;
    out.reserve(items.size());
    for (const auto& i : items) out.push_back(i.id);
    return out;
  }

  static std::string unknown_ref(const std::string& what, const std::string& id,
                                 const std::vector<std::string>& known);

  bool check_actor_ref(const YAML::Node& node, const std::string& path, const std::string& id,
                       const Scenario& s);

  // Checks `id` is new within a list; records it.
  bool unique(std::set<std::string>& seen, const YAML::Node& node, const std::string& path,
              const std::string& id, const std::string& what);

  // --- sections ---------------------------------------------------------------------------

  void load_actors(const YAML::Node& node, Scenario& s);

  void load_places(const YAML::Node& node, Scenario& s);

  std::optional<std::vector<GeoPoint>> read_points(const YAML::Node& node, const std::string& path);

  void load_lines(const YAML::Node& node, Scenario& s);

  void read_scale(const YAML::Node& node, const std::string& path, Scale& scale);

  void load_issues(const YAML::Node& node, Scenario& s);

  bool read_stance(const YAML::Node& node, const std::string& path, const Scale& scale, Stance& st);

  std::optional<std::vector<std::string>> read_members(const YAML::Node& node,
                                                       const std::string& path, const Scenario& s);

  // The keys a member's alliance terms may have, and those of its burden.
  static const std::vector<std::string>& terms_fields();
  static const std::vector<std::string>& burden_fields();

  // `MEMBER: {commitment, burden, support_polls, threats}` for each member that has terms.
  void read_terms(const YAML::Node& node, const std::string& path, Alliance& a, const Scenario& s);

  static std::string not_a_member(const std::string& who, const Alliance& a);

  bool read_member_terms(const YAML::Node& node, const std::string& path, AllianceTerms& t,
                         const Scenario& s);

  void read_burden(const YAML::Node& node, const std::string& path, AllianceTerms& t);

  // `decisions:`: dated decisions or deadlines that signals are timed against.
  void load_decisions(const YAML::Node& node, Scenario& s);

  // `signals: [{id, date, needed_by, contributions | troops_abroad | host_nation_support |
  // commitment, description}]`: dated offers, each timed against a declared decision.
  void read_signals(const YAML::Node& node, const std::string& path, AllianceTerms& t,
                    const Scenario& s);

  // `episodes: [{id, date, shares_risk, description}]`: past crises as evidence.
  void read_episodes(const YAML::Node& node, const std::string& path, AllianceTerms& t);

  void warn(const YAML::Node& node, const std::string& path, std::string message, Scenario& s);

  // What the alliance model would otherwise do silently: a member without terms gets the
  // neutral 0.5 risk sharing, and a burden field some members give but others do not is
  // ignored (an unknown is not a zero).
  void warn_terms(const YAML::Node& item, const std::optional<YAML::Node>& terms,
                  const std::string& path, const Alliance& a, Scenario& s);

  std::optional<std::vector<std::string>> read_questions(const YAML::Node& node,
                                                         const std::string& path);

  std::optional<std::vector<Threat>> read_threats(const YAML::Node& node, const std::string& path);

  void load_alliances(const YAML::Node& node, Scenario& s);

  // A force's `serves`: the ids of alliances its owner belongs to (one id or a list).
  void read_serves(const YAML::Node& node, const std::string& path, const Scenario& s, Force& f);

  void load_forces(const YAML::Node& node, Scenario& s);

  std::optional<std::vector<GeoPoint>> read_sites(const YAML::Node& node, const std::string& path,
                                                  const Scenario& s);

  std::optional<std::string> read_line_ref(const YAML::Node& node, const std::string& path,
                                           const Scenario& s);

  void load_weapons(const YAML::Node& node, Scenario& s);

  void load_polls(const YAML::Node& node, Scenario& s);

  // --- params and games ---------------------------------------------------------------------

  // `params: {NAME: quantity, ...}`: named numbers for game payoffs.
  void load_params(const YAML::Node& node, Scenario& s);

  static bool is_identifier(const std::string& t);

  void load_games(const YAML::Node& node, Scenario& s);

  // A list of distinct actor ids; false (with a diagnostic) when any is bad or none given.
  bool read_player_list(const YAML::Node& node, const std::string& path, const Scenario& s,
                        std::vector<std::string>& out);

  // Nodes sharing an information set must look the same to the player who moves there:
  // same player, same actions in the same order; and the player must have reached them by
  // the same moves of its own (perfect recall), which every solver for imperfect
  // information here needs (the sequence form of lcp, the regrets that check logit).
  void check_infosets(const YAML::Node& root, const std::string& path, const ScenarioGame& g);

  void check_perfect_recall(const YAML::Node& root, const std::string& path, const ScenarioGame& g);

  void check_infoset_shapes(const YAML::Node& root, const std::string& path, const ScenarioGame& g);

  // The reference joined to the scenario file's directory (no I/O: string work only).
  std::string resolve_reference(const std::string& ref) const;

  // `efg: FILE` with `players` (list in file order, or map from the file's player names),
  // `outcomes` (outcome label or number -> payoff expressions) and `threats`.
  void read_efg_game(const YAML::Node& efg, const YAML::Node& players,
                     const std::optional<YAML::Node>& outcomes,
                     const std::optional<YAML::Node>& threats, const std::string& path,
                     const Scenario& s, const std::vector<std::string>& vars, ScenarioGame& g);

  static std::string file_players_text(const games::ExtensiveGame& game);

  void read_efg_players(const YAML::Node& node, const std::string& path, const Scenario& s,
                        const games::ExtensiveGame& game, GameFile& file,
                        std::vector<std::string>& out);

  // The outcome a key names: its label when exactly one outcome has it, else its number.
  void read_efg_outcomes(const YAML::Node& node, const std::string& path,
                         const games::ExtensiveGame& game, const std::vector<std::string>& vars,
                         const ScenarioGame& g, GameFile& file);

  // `[{player, infoset, action, name}]`: infoset by label or by the file's number for that
  // player; action by label or 1-based position.
  void read_efg_threats(const YAML::Node& node, const std::string& path,
                        const games::ExtensiveGame& game, const ScenarioGame& g, GameFile& file);

  // Reads one decision node and, depth first, the nodes below it; returns its index or -1.
  int read_game_node(const YAML::Node& node, const std::string& path, ScenarioGame& g,
                     const std::vector<std::string>& vars, std::set<std::string>& labels,
                     std::set<std::string>& threats, const std::string& history);

  // `{PLAYER: expression, ...}` with every player of the game (`every_player`), or some of
  // them; each expression is parsed now so a typo is reported with its column, not at run
  // time.
  void read_payoffs(const YAML::Node& node, const std::string& path, const ScenarioGame& g,
                    const std::vector<std::string>& vars, GameAction& a, bool every_player = true);

  // --- events -----------------------------------------------------------------------------

  // Builds the Change for one `path: value` entry of an event, type-checked against the
  // scenario as loaded. `stances` tracks which (issue, actor) stances exist so that a
  // stance may be added by an event only with both its fields.
  std::optional<Change> read_change(const YAML::Node& key, const YAML::Node& value,
                                    const std::string& epath, const Scenario& s,
                                    std::set<std::pair<std::string, std::string>>& stances,
                                    const std::set<std::string>& keys_in_event);

  // alliances.ID.terms.MEMBER.{commitment, support_polls}, .burden.FIELD or .threats.TARGET;
  // the member's terms are created when it has none yet.
  std::optional<Change> read_terms_change(const std::vector<std::string>& parts,
                                          const YAML::Node& value, const std::string& vpath,
                                          const Alliance& a, Change c);

  template <typename T>
  static T& find_mut(std::vector<T>& items, const std::string& id) {
    for (auto& i : items) {
      if (i.id == id) return i;
    }
    throw std::logic_error("event refers to unknown id " + id);
  }

  void load_events(const YAML::Node& node, Scenario& s);

  // The fields table's numbers of the scenario as loaded (entente/fields.hpp), by path, with
  // their range: what an event may set as a number. Built by load_events.
  struct EventField {
    double lo = 0;
    double hi = 0;
    bool quantity = true;  // false: a plain number (a coordinate), no distribution
  };
  std::map<std::string, EventField> event_fields_;

  const LoadOptions& options_;
  std::set<std::string> incomplete_issues_;
  YamlReader r_;
  Diagnostics& diags_;
};

}  // namespace entente::detail

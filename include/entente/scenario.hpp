// The domain model: an immutable, validated description of a strategic situation.
//
// A Scenario is a plain value. Loaders (scenario_io.hpp) build one from text and
// guarantee its invariants (ids unique, references resolved, numbers in range); models
// only read it. Events are kept, not applied: `at(date)` gives the scenario as it stood
// on a date.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "entente/date.hpp"
#include "entente/diagnostics.hpp"
#include "entente/distribution.hpp"
#include "entente/procedure.hpp"

namespace entente {

namespace games {
class ExtensiveGame;
}

enum class ActorKind { kState, kLeader, kMilitary, kPublic, kParty, kOrganisation, kGroup };
const char* actor_kind_name(ActorKind kind);
std::optional<ActorKind> parse_actor_kind(const std::string& text);
std::vector<std::string> actor_kind_names();

// Where a capability came from when it was not given as a number.
struct CincSource {
  std::string state;  // COW state abbreviation, e.g. USA
  int year = 0;
  double share = 1.0;  // fraction of the state's CINC this actor commands
};

struct Actor {
  std::string id;
  std::string name;
  ActorKind kind = ActorKind::kState;
  std::string parent;              // id of the actor this one belongs to, "" when none
  Quantity capability;             // ≥ 0; any unit, models use ratios only
  std::optional<CincSource> cinc;  // set when capability was resolved from COW NMC
  std::optional<Quantity> risk;    // risk attitude in [-1, 1] (0 neutral), when given
};

struct Anchor {
  double value = 0.0;
  std::string label;
};

struct Scale {
  double min = 0.0;
  double max = 100.0;
  std::string unit;
  std::vector<Anchor> anchors;  // labelled points, sorted by value
};

// One actor's stance on one issue.
struct Stance {
  std::string actor;
  Quantity position;  // on the issue's scale, within [min, max]
  Quantity salience;  // in [0, 1]: share of the actor's attention the issue gets
};

struct Issue {
  std::string id;
  std::string name;
  std::string description;
  Scale scale;
  std::optional<Quantity> status_quo;  // reference (disagreement) point, when known
  std::vector<Stance> stances;         // one per actor taking part, in file order
  std::optional<Procedure> procedure;  // how it is decided, when the issue says so

  [[nodiscard]] const Stance* stance(const std::string& actor) const;
};

// A danger one member perceives, by name (an actor id or any label, e.g. "terrorism").
struct Threat {
  std::string target;
  Quantity level;  // in [0, 1]: how much the member fears it
};

// A dated decision or deadline that signals are timed against (`decisions:` section), e.g.
// the US decision to go to war in Iraq.
struct Decision {
  std::string id;
  Date date;
  std::string description;
  SourceLocation where;
};

// A member's dated offer or contribution (`terms.M.signals`): what it adds to the member's
// burden and stated commitment, when it came, and the decision it was meant to influence.
struct Signal {
  std::string id;
  Date date;
  std::string needed_by;                        // Decision::id
  std::optional<Quantity> contributions;        // added to the member's burden contributions
  std::optional<Quantity> troops_abroad;        // added to troops_abroad
  std::optional<Quantity> host_nation_support;  // added to host_nation_support
  std::optional<Quantity> commitment;           // added to the stated commitment, in [-1, 1]
  std::string description;
  SourceLocation where;
};

// A past crisis as evidence of a member's willingness to share risk (`terms.M.episodes`).
struct Episode {
  std::string id;
  Date date;
  Quantity shares_risk;  // [0, 1]: 0 free-rode, 1 shared the risk fully
  std::string description;
  SourceLocation where;
};

// What one member brings to an alliance and how it sees it: the inputs of the alliance
// model's risk sharing and threat overlap. Every field is optional; a model uses the
// terms that are given and says which are missing.
struct AllianceTerms {
  std::string member;                     // actor id, one of the alliance's members
  std::optional<Quantity> commitment;     // [0, 1]: the leader's stated commitment
  std::optional<Quantity> troops_abroad;  // personnel stationed on allies' soil, ≥ 0
  // Host-nation support paid for allies' forces on its soil, ≥ 0, in one currency unit
  // shared by every member of the alliance (e.g. US$ million a year).
  std::optional<Quantity> host_nation_support;
  // Personnel sent to allies' operations elsewhere (e.g. an Iraq deployment), ≥ 0.
  std::optional<Quantity> contributions;
  // Military expenditure, ≥ 0, in one currency unit shared by every member (e.g. COW NMC
  // milex, thousands of current US$): the burden measure of Olson & Zeckhauser (1966).
  std::optional<Quantity> defence_spending;
  // Poll questions (Poll::question) whose polls of this member's public measure support
  // for the alliance.
  std::vector<std::string> support_polls;
  std::vector<Threat> threats;  // what this member fears, one entry per target
  // Dated offers and contributions, each timed against the decision it was meant to
  // influence (the alliance model discounts a late one; docs/alliance.md).
  std::vector<Signal> signals;
  // Past crises and how far this member shared the risk in each (evidence of its
  // reliability, weighted by recency).
  std::vector<Episode> episodes;

  [[nodiscard]] const Threat* threat(const std::string& target) const;
};

struct Alliance {
  std::string id;
  std::string name;
  std::string type;         // defence, offence, neutrality, nonaggression, consultation, entente
  std::optional<int> atop;  // ATOP v4.01 atopid
  std::vector<std::string> members;
  std::optional<Date> since;
  std::vector<std::string> obligations;  // e.g. defence, consultation, basing
  std::vector<AllianceTerms> terms;      // per member, in file order; members may lack one

  [[nodiscard]] const AllianceTerms* terms_of(const std::string& member) const;
};

struct GeoPoint {
  double lat = 0.0;
  double lon = 0.0;
};

// A named place, so forces and events can say `camp-humphreys` instead of coordinates.
struct Place {
  std::string id;
  std::string name;
  GeoPoint at;
};

// A named polyline such as the Military Demarcation Line.
struct Line {
  std::string id;
  std::string name;
  std::vector<GeoPoint> points;
};

struct Force {
  std::string id;
  std::string owner;  // actor id
  std::string unit;   // human name, e.g. "2nd Infantry Division"
  std::string kind;   // ground, air, naval, hq
  std::string place;  // place id when located by name, else ""
  GeoPoint location;
  Quantity strength;  // personnel
  // The alliances this unit backs (their territory or commitment): its exposure counts for
  // its owner's risk sharing in these alliances only. Empty: in every alliance of the owner
  // (the alliance model warns when that is more than one).
  std::vector<std::string> serves;
};

struct Weapon {
  std::string id;
  std::string owner;
  std::string system;
  Quantity range_km;
  Quantity count;
  std::vector<GeoPoint> sites;  // firing positions
  std::string front_line;       // line id when deployed along a line, else ""
};

// A published opinion poll: share of a public supporting a proposition.
struct Poll {
  std::string id;
  std::string actor;     // the public polled
  std::string question;  // short key, e.g. us-troops-stay
  Date date;
  Quantity support;  // in [0, 1]
  std::string source;
};

// A named number that game payoffs may use (`params:` section), e.g. the US cost of war per
// exposed soldier. May carry a distribution, so sweeps and sensitivity vary it.
struct Param {
  std::string id;  // an expression identifier: [A-Za-z_][A-Za-z0-9_]*
  Quantity value;
  SourceLocation where;
};

// One action at a node of a declared game: it leads either to another node (`child`) or to
// a terminal with one payoff expression per player.
struct GameAction {
  std::string name;
  bool threat = false;  // a threat whose credibility the crisis model reports
  // The willingness to share risk this choice reveals, in [0, 1] (1: shares the risk, 0:
  // free-rides), when declared: the alliance model reads a member's equilibrium choice
  // as evidence for each alliance it shares with another player of the game.
  std::optional<double> shares_risk;
  int child = -1;  // index into ScenarioGame::nodes, -1 at a terminal
  // Terminal only: player actor id -> expression over game variables (docs/crisis.md).
  std::vector<std::pair<std::string, std::string>> payoffs;
  SourceLocation where;
};

// A decision node of a declared game: one player chooses among actions. A node is its own
// information set unless it names one (`infoset`) shared with other nodes of the same
// player and actions: the player then does not know which of them play has reached.
struct GameNode {
  std::string label;   // unique within the game: given as `id`, else "PLAYER after a/b"
  std::string player;  // actor id, one of the game's players
  std::vector<GameAction> actions;
  std::string infoset;  // "" = its own information set
};

// An outcome of a referenced .efg file whose payoffs the scenario gives as expressions.
struct GameOutcomeMap {
  std::string key;   // as written: the outcome's label, or its number in the file
  int outcome = -1;  // index into the file game's outcomes
  // Actor id -> expression; players not listed keep the file's number.
  std::vector<std::pair<std::string, std::string>> payoffs;
  SourceLocation where;
};

// A threat move of a referenced .efg file: an action at one of a player's information sets.
struct GameThreatRef {
  std::string name;        // reported name; "" = the action's label
  std::string player;      // actor id
  std::string infoset;     // as written: the infoset's label, or its number for that player
  std::string action;      // as written: the action's label, or its 1-based position
  int infoset_index = -1;  // resolved: index into the file game's infosets
  int action_index = -1;   // resolved: 0-based action
  SourceLocation where;
};

// A declared game given by a Gambit .efg file (`efg:`), with its players, outcomes and
// threats mapped onto the scenario.
struct GameFile {
  std::string path;      // as written, relative to the scenario file
  SourceLocation where;  // of the `efg:` key
  // When `players` was a map: (Gambit player name, actor id) as written; empty for a list.
  std::vector<std::pair<std::string, std::string>> player_names;
  std::vector<GameOutcomeMap> outcomes;
  std::vector<GameThreatRef> threats;
  // The file's game as read (numeric payoffs); shared, as scenarios are copied per sample.
  std::shared_ptr<const games::ExtensiveGame> game;
};

// A game declared by a scenario (`games:` section), solved by the crisis model: an inline
// tree (`nodes`) or a referenced .efg file (`efg`).
struct ScenarioGame {
  std::string id;
  std::string name;
  std::string description;
  std::vector<std::string> players;  // actor ids, in the game's player order
  std::vector<GameNode> nodes;       // inline: node 0 is the root; children follow parents
  std::optional<GameFile> efg;       // set for a game read from an .efg file (nodes empty)
};

struct Scenario;

// One dated change; `apply` was built and type-checked by the loader.
struct Change {
  std::string path;   // e.g. issues.nk-policy.positions.ROK.position
  std::string value;  // the new value as written
  SourceLocation where;
  std::function<void(Scenario&)> apply;
};

struct Event {
  std::string id;
  Date date;
  std::string description;
  std::vector<Change> changes;
};

struct Scenario {
  std::string id;
  std::string title;
  std::string description;
  Date as_of;
  std::string source;  // file name it was loaded from

  std::vector<Actor> actors;
  std::vector<Issue> issues;
  std::vector<Alliance> alliances;
  std::vector<Place> places;
  std::vector<Line> lines;
  std::vector<Force> forces;
  std::vector<Weapon> weapons;
  std::vector<Poll> polls;
  std::vector<Param> params;        // named numbers for game payoffs
  std::vector<ScenarioGame> games;  // declared crisis games
  std::vector<Event> events;        // sorted by date (stable)
  std::vector<Decision> decisions;  // dated decisions signals are timed against
  // What the loader found suspicious but not wrong (e.g. a burden field given for only one
  // member of an alliance), each with file, line and field.
  std::vector<Diagnostic> warnings;
  // How issues that declare no procedure of their own are decided, when the scenario says.
  std::optional<Procedure> procedure;

  // The date through which events have been applied, when `at` was called.
  std::optional<Date> applied_through;

  [[nodiscard]] const Actor* actor(const std::string& wanted) const;
  // The state `actor` belongs to: the last actor up its chain of parents (itself when it
  // has none; `actor` when unknown). A chain that loops, which the loader forbids but a
  // hand-built scenario may have, stops after visiting every actor once.
  [[nodiscard]] const std::string& root_actor(const std::string& actor) const;
  [[nodiscard]] const Issue* issue(const std::string& wanted) const;
  [[nodiscard]] const Alliance* alliance(const std::string& wanted) const;
  [[nodiscard]] const Force* force(const std::string& wanted) const;
  [[nodiscard]] const Place* place(const std::string& wanted) const;
  [[nodiscard]] const Line* line(const std::string& wanted) const;
  [[nodiscard]] const Param* param(const std::string& wanted) const;
  [[nodiscard]] const Decision* decision(const std::string& wanted) const;
  // The procedure that decides `issue`: its own, else the scenario's; nullptr when neither
  // declares one.
  [[nodiscard]] const Procedure* procedure_for(const Issue& issue) const;

  // The scenario as it stood on `date`: a copy with every event dated on or before it
  // applied in date order (file order for the same day). Polls dated after `date` are
  // dropped. Calling it on an already-applied scenario applies from its original state
  // only if the date is not earlier than `applied_through`; otherwise throws
  // std::logic_error, since events cannot be undone.
  [[nodiscard]] Scenario at(Date date) const;
  // Same, at `as_of`.
  [[nodiscard]] Scenario current() const { return at(as_of); }

  // Visits every number of the scenario that carries a distribution, with its field path;
  // used by Monte Carlo to draw and by sensitivity analysis to perturb.
  void for_each_quantity(const std::function<void(const std::string& path, Quantity&)>& fn);
};

}  // namespace entente

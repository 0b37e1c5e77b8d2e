// Writes a Scenario back in the documented YAML format (used by `entente import`).
#include <yaml-cpp/yaml.h>

#include "entente/scenario_io.hpp"
#include "scenario/procedure_yaml.hpp"
#include "scenario/yaml_util.hpp"

namespace entente {

namespace {
void emit_quantity(YAML::Emitter& out, const Quantity& q) {
  if (!q.dist) {
    out << detail::format_number(q.value);
    return;
  }
  const Distribution& d = *q.dist;
  out << YAML::Flow << YAML::BeginMap << YAML::Key << Distribution::kind_name(d.kind)
      << YAML::Value;
  if (d.kind == Distribution::Kind::kDiscrete) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "values" << YAML::Value << YAML::Flow
        << YAML::BeginSeq;
    for (double v : d.params) out << detail::format_number(v);
    out << YAML::EndSeq;
    if (!d.weights.empty()) {
      out << YAML::Key << "weights" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (double w : d.weights) out << detail::format_number(w);
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  } else {
    out << YAML::Flow << YAML::BeginSeq;
    for (double v : d.params) out << detail::format_number(v);
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

void emit_payoffs(YAML::Emitter& out, const std::vector<std::pair<std::string, std::string>>& pay) {
  out << YAML::BeginMap;
  for (const auto& [who, text] : pay) {
    out << YAML::Key << who << YAML::Value << YAML::DoubleQuoted << text;
  }
  out << YAML::EndMap;
}

// One decision node and, depth first, those below it. A label is written as `id` only when
// it differs from the default the loader would derive from the actions leading to it.
void emit_game_node(YAML::Emitter& out, const ScenarioGame& g, int index,
                    const std::string& history) {
  const GameNode& n = g.nodes.at(static_cast<std::size_t>(index));
  out << YAML::BeginMap;
  const std::string derived = history.empty() ? n.player : n.player + " after " + history;
  if (n.label != derived) out << YAML::Key << "id" << YAML::Value << n.label;
  out << YAML::Key << "player" << YAML::Value << n.player;
  if (!n.infoset.empty()) out << YAML::Key << "infoset" << YAML::Value << n.infoset;
  out << YAML::Key << "actions" << YAML::Value << YAML::BeginSeq;
  for (const GameAction& a : n.actions) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << a.name;
    if (a.threat) out << YAML::Key << "threat" << YAML::Value << "true";
    if (a.shares_risk) {
      out << YAML::Key << "shares_risk" << YAML::Value << detail::format_number(*a.shares_risk);
    }
    if (a.child >= 0) {
      out << YAML::Key << "next" << YAML::Value;
      emit_game_node(out, g, a.child, history.empty() ? a.name : history + "/" + a.name);
    } else {
      out << YAML::Key << "payoffs" << YAML::Value;
      emit_payoffs(out, a.payoffs);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
}

// A game read from an .efg file is written as its reference and mappings, not its tree, so
// the file stays the one place the tree is kept.
void emit_game_file(YAML::Emitter& out, const ScenarioGame& g) {
  const GameFile& f = *g.efg;
  out << YAML::Key << "players" << YAML::Value;
  if (f.player_names.empty()) {
    out << YAML::Flow << g.players;
  } else {
    out << YAML::Flow << YAML::BeginMap;
    for (const auto& [name, actor] : f.player_names) {
      out << YAML::Key << YAML::DoubleQuoted << name << YAML::Value << actor;
    }
    out << YAML::EndMap;
  }
  out << YAML::Key << "efg" << YAML::Value << f.path;
  if (!f.outcomes.empty()) {
    out << YAML::Key << "outcomes" << YAML::Value << YAML::BeginMap;
    for (const GameOutcomeMap& o : f.outcomes) {
      out << YAML::Key << YAML::DoubleQuoted << o.key << YAML::Value;
      emit_payoffs(out, o.payoffs);
    }
    out << YAML::EndMap;
  }
  if (!f.threats.empty()) {
    out << YAML::Key << "threats" << YAML::Value << YAML::BeginSeq;
    for (const GameThreatRef& t : f.threats) {
      out << YAML::Flow << YAML::BeginMap;
      if (!t.name.empty()) out << YAML::Key << "name" << YAML::Value << t.name;
      out << YAML::Key << "player" << YAML::Value << t.player;
      out << YAML::Key << "infoset" << YAML::Value << YAML::DoubleQuoted << t.infoset;
      out << YAML::Key << "action" << YAML::Value << YAML::DoubleQuoted << t.action;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
}

void emit_point(YAML::Emitter& out, const GeoPoint& p) {
  out << YAML::Flow << YAML::BeginMap << YAML::Key << "lat" << YAML::Value
      << detail::format_number(p.lat) << YAML::Key << "lon" << YAML::Value
      << detail::format_number(p.lon) << YAML::EndMap;
}
void emit_terms(YAML::Emitter& out, const AllianceTerms& t) {
  out << YAML::Key << t.member << YAML::Value << YAML::BeginMap;
  if (t.commitment) {
    out << YAML::Key << "commitment" << YAML::Value;
    emit_quantity(out, *t.commitment);
  }
  if (t.troops_abroad || t.host_nation_support || t.contributions || t.defence_spending) {
    out << YAML::Key << "burden" << YAML::Value << YAML::BeginMap;
    const std::pair<const char*, const std::optional<Quantity>*> fields[] = {
        {"troops_abroad", &t.troops_abroad},
        {"host_nation_support", &t.host_nation_support},
        {"contributions", &t.contributions},
        {"defence_spending", &t.defence_spending}};
    for (const auto& [name, q] : fields) {
      if (!*q) continue;
      out << YAML::Key << name << YAML::Value;
      emit_quantity(out, **q);
    }
    out << YAML::EndMap;
  }
  if (!t.support_polls.empty()) {
    out << YAML::Key << "support_polls" << YAML::Value << YAML::Flow << t.support_polls;
  }
  if (!t.threats.empty()) {
    out << YAML::Key << "threats" << YAML::Value << YAML::BeginMap;
    for (const Threat& th : t.threats) {
      out << YAML::Key << th.target << YAML::Value;
      emit_quantity(out, th.level);
    }
    out << YAML::EndMap;
  }
  if (!t.signals.empty()) {
    out << YAML::Key << "signals" << YAML::Value << YAML::BeginSeq;
    for (const Signal& sg : t.signals) {
      out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << sg.id;
      out << YAML::Key << "date" << YAML::Value << sg.date.str();
      out << YAML::Key << "needed_by" << YAML::Value << sg.needed_by;
      const std::pair<const char*, const std::optional<Quantity>*> fields[] = {
          {"contributions", &sg.contributions},
          {"troops_abroad", &sg.troops_abroad},
          {"host_nation_support", &sg.host_nation_support},
          {"commitment", &sg.commitment}};
      for (const auto& [name, q] : fields) {
        if (!*q) continue;
        out << YAML::Key << name << YAML::Value;
        emit_quantity(out, **q);
      }
      if (!sg.description.empty())
        out << YAML::Key << "description" << YAML::Value << sg.description;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!t.episodes.empty()) {
    out << YAML::Key << "episodes" << YAML::Value << YAML::BeginSeq;
    for (const Episode& e : t.episodes) {
      out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << e.id;
      out << YAML::Key << "date" << YAML::Value << e.date.str();
      out << YAML::Key << "shares_risk" << YAML::Value;
      emit_quantity(out, e.shares_risk);
      if (!e.description.empty()) out << YAML::Key << "description" << YAML::Value << e.description;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}
}  // namespace

std::string write_scenario_yaml(const Scenario& s) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "entente" << YAML::Value << 1;
  out << YAML::Key << "id" << YAML::Value << s.id;
  out << YAML::Key << "title" << YAML::Value << s.title;
  if (!s.description.empty()) out << YAML::Key << "description" << YAML::Value << s.description;
  out << YAML::Key << "as_of" << YAML::Value << s.as_of.str();

  out << YAML::Key << "actors" << YAML::Value << YAML::BeginSeq;
  for (const Actor& a : s.actors) {
    out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << a.id;
    out << YAML::Key << "name" << YAML::Value << a.name;
    out << YAML::Key << "kind" << YAML::Value << actor_kind_name(a.kind);
    if (!a.parent.empty()) out << YAML::Key << "parent" << YAML::Value << a.parent;
    out << YAML::Key << "capability" << YAML::Value;
    if (a.cinc) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "cinc" << YAML::Value << YAML::Flow
          << YAML::BeginMap << YAML::Key << "state" << YAML::Value << a.cinc->state << YAML::Key
          << "year" << YAML::Value << a.cinc->year;
      if (a.cinc->share != 1.0) {
        out << YAML::Key << "share" << YAML::Value << detail::format_number(a.cinc->share);
      }
      out << YAML::EndMap << YAML::EndMap;
    } else {
      emit_quantity(out, a.capability);
    }
    if (a.risk) {
      out << YAML::Key << "risk" << YAML::Value;
      emit_quantity(out, *a.risk);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  if (s.procedure) {
    out << YAML::Key << "procedure" << YAML::Value;
    detail::emit_procedure(out, *s.procedure);
  }

  if (!s.places.empty()) {
    out << YAML::Key << "places" << YAML::Value << YAML::BeginSeq;
    for (const Place& p : s.places) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value << p.id;
      if (!p.name.empty()) out << YAML::Key << "name" << YAML::Value << p.name;
      out << YAML::Key << "lat" << YAML::Value << detail::format_number(p.at.lat) << YAML::Key
          << "lon" << YAML::Value << detail::format_number(p.at.lon) << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!s.lines.empty()) {
    out << YAML::Key << "lines" << YAML::Value << YAML::BeginSeq;
    for (const Line& l : s.lines) {
      out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << l.id;
      if (!l.name.empty()) out << YAML::Key << "name" << YAML::Value << l.name;
      out << YAML::Key << "points" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const GeoPoint& p : l.points) {
        out << YAML::Flow << YAML::BeginSeq << detail::format_number(p.lat)
            << detail::format_number(p.lon) << YAML::EndSeq;
      }
      out << YAML::EndSeq << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  if (!s.issues.empty()) {
    out << YAML::Key << "issues" << YAML::Value << YAML::BeginSeq;
    for (const Issue& is : s.issues) {
      out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << is.id;
      out << YAML::Key << "name" << YAML::Value << is.name;
      if (!is.description.empty())
        out << YAML::Key << "description" << YAML::Value << is.description;
      out << YAML::Key << "scale" << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "min" << YAML::Value << detail::format_number(is.scale.min);
      out << YAML::Key << "max" << YAML::Value << detail::format_number(is.scale.max);
      if (!is.scale.unit.empty()) out << YAML::Key << "unit" << YAML::Value << is.scale.unit;
      if (!is.scale.anchors.empty()) {
        out << YAML::Key << "anchors" << YAML::Value << YAML::BeginMap;
        for (const Anchor& a : is.scale.anchors) {
          out << YAML::Key << detail::format_number(a.value) << YAML::Value << a.label;
        }
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
      if (is.status_quo) {
        out << YAML::Key << "status_quo" << YAML::Value;
        emit_quantity(out, *is.status_quo);
      }
      out << YAML::Key << "positions" << YAML::Value << YAML::BeginMap;
      for (const Stance& st : is.stances) {
        out << YAML::Key << st.actor << YAML::Value << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "position" << YAML::Value;
        emit_quantity(out, st.position);
        out << YAML::Key << "salience" << YAML::Value;
        emit_quantity(out, st.salience);
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
      if (is.procedure) {
        out << YAML::Key << "procedure" << YAML::Value;
        detail::emit_procedure(out, *is.procedure);
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  if (!s.decisions.empty()) {
    out << YAML::Key << "decisions" << YAML::Value << YAML::BeginSeq;
    for (const Decision& d : s.decisions) {
      out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << d.id;
      out << YAML::Key << "date" << YAML::Value << d.date.str();
      if (!d.description.empty()) out << YAML::Key << "description" << YAML::Value << d.description;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  if (!s.alliances.empty()) {
    out << YAML::Key << "alliances" << YAML::Value << YAML::BeginSeq;
    for (const Alliance& a : s.alliances) {
      out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << a.id;
      out << YAML::Key << "name" << YAML::Value << a.name;
      out << YAML::Key << "type" << YAML::Value << a.type;
      if (a.atop) out << YAML::Key << "atop" << YAML::Value << *a.atop;
      out << YAML::Key << "members" << YAML::Value << YAML::Flow << a.members;
      if (a.since) out << YAML::Key << "since" << YAML::Value << a.since->str();
      if (!a.obligations.empty()) {
        out << YAML::Key << "obligations" << YAML::Value << YAML::Flow << a.obligations;
      }
      if (!a.terms.empty()) {
        out << YAML::Key << "terms" << YAML::Value << YAML::BeginMap;
        for (const AllianceTerms& t : a.terms) emit_terms(out, t);
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  if (!s.forces.empty()) {
    out << YAML::Key << "forces" << YAML::Value << YAML::BeginSeq;
    for (const Force& f : s.forces) {
      out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << f.id;
      out << YAML::Key << "owner" << YAML::Value << f.owner;
      out << YAML::Key << "unit" << YAML::Value << f.unit;
      out << YAML::Key << "kind" << YAML::Value << f.kind;
      out << YAML::Key << "at" << YAML::Value;
      if (!f.place.empty()) {
        out << f.place;
      } else {
        emit_point(out, f.location);
      }
      out << YAML::Key << "strength" << YAML::Value;
      emit_quantity(out, f.strength);
      if (!f.serves.empty()) {
        out << YAML::Key << "serves" << YAML::Value << YAML::Flow << f.serves;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  if (!s.weapons.empty()) {
    out << YAML::Key << "weapons" << YAML::Value << YAML::BeginSeq;
    for (const Weapon& w : s.weapons) {
      out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << w.id;
      out << YAML::Key << "owner" << YAML::Value << w.owner;
      out << YAML::Key << "system" << YAML::Value << w.system;
      out << YAML::Key << "range_km" << YAML::Value;
      emit_quantity(out, w.range_km);
      out << YAML::Key << "count" << YAML::Value;
      emit_quantity(out, w.count);
      if (!w.front_line.empty()) {
        out << YAML::Key << "along" << YAML::Value << w.front_line;
      } else {
        out << YAML::Key << "sites" << YAML::Value << YAML::BeginSeq;
        for (const GeoPoint& p : w.sites) emit_point(out, p);
        out << YAML::EndSeq;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  if (!s.polls.empty()) {
    out << YAML::Key << "polls" << YAML::Value << YAML::BeginSeq;
    for (const Poll& p : s.polls) {
      out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << p.id;
      out << YAML::Key << "actor" << YAML::Value << p.actor;
      out << YAML::Key << "question" << YAML::Value << p.question;
      out << YAML::Key << "date" << YAML::Value << p.date.str();
      out << YAML::Key << "support" << YAML::Value;
      emit_quantity(out, p.support);
      if (!p.source.empty()) out << YAML::Key << "source" << YAML::Value << p.source;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  if (!s.params.empty()) {
    out << YAML::Key << "params" << YAML::Value << YAML::BeginMap;
    for (const Param& p : s.params) {
      out << YAML::Key << p.id << YAML::Value;
      emit_quantity(out, p.value);
    }
    out << YAML::EndMap;
  }

  if (!s.games.empty()) {
    out << YAML::Key << "games" << YAML::Value << YAML::BeginSeq;
    for (const ScenarioGame& g : s.games) {
      out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << g.id;
      if (!g.name.empty()) out << YAML::Key << "name" << YAML::Value << g.name;
      if (!g.description.empty()) out << YAML::Key << "description" << YAML::Value << g.description;
      if (g.efg) {
        emit_game_file(out, g);
      } else {
        out << YAML::Key << "players" << YAML::Value << YAML::Flow << g.players;
        out << YAML::Key << "root" << YAML::Value;
        emit_game_node(out, g, 0, "");
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  if (!s.events.empty()) {
    out << YAML::Key << "events" << YAML::Value << YAML::BeginSeq;
    for (const Event& e : s.events) {
      out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << e.id;
      out << YAML::Key << "date" << YAML::Value << e.date.str();
      if (!e.description.empty()) out << YAML::Key << "description" << YAML::Value << e.description;
      if (!e.changes.empty()) {
        out << YAML::Key << "set" << YAML::Value << YAML::BeginMap;
        for (const Change& c : e.changes) {
          out << YAML::Key << c.path << YAML::Value << YAML::Load(c.value);
        }
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace entente

#include "scenario/procedure_yaml.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "entente/diagnostics.hpp"

namespace entente::detail {

namespace {

class ProcedureReader {
 public:
  ProcedureReader(YamlReader& r, const std::vector<std::string>& actor_ids)
      : r_(r), actor_ids_(actor_ids) {}

  std::optional<Procedure> read(const YAML::Node& node, const std::string& path) {
    if (!node.IsMap()) {
      r_.error(node, path,
               "expected a procedure {rule, voters, threshold, agenda_setter, vetoes, "
               "co_decision, ...}, got " +
                   describe(node));
      return std::nullopt;
    }
    ok_ = true;
    Procedure p;
    auto m = r_.map(node, path);
    auto fields = body_fields(m);
    auto setter = m.optional("agenda_setter");
    auto vetoes = m.optional("vetoes");
    auto co = m.optional("co_decision");
    auto basis = m.optional("basis");
    m.finish();
    read_body(node, fields, path, p.body);
    if (setter) {
      auto id = r_.text(*setter, path + ".agenda_setter");
      if (id && actor(*setter, path + ".agenda_setter", *id)) {
        p.agenda_setter = *id;
      } else {
        ok_ = false;
      }
    }
    if (vetoes) p.vetoes = actor_list(*vetoes, path + ".vetoes");
    if (co) {
      const std::string cpath = path + ".co_decision";
      if (!co->IsMap()) {
        r_.error(*co, cpath,
                 "expected a second deciding body {rule, voters, ...}, got " + describe(*co));
        ok_ = false;
      } else {
        auto cm = r_.map(*co, cpath);
        auto cfields = body_fields(cm);
        cm.finish();
        DecisionBody body;
        read_body(*co, cfields, cpath, body);
        p.co_decision = std::move(body);
      }
    }
    if (basis) p.basis = r_.text(*basis, path + ".basis").value_or("");
    if (!ok_) return std::nullopt;
    return p;
  }

 private:
  struct BodyFields {
    std::optional<YAML::Node> rule, voters, threshold, members, population, min_blockers;
  };

  static BodyFields body_fields(MapFields& m) {
    BodyFields f;
    f.rule = m.required("rule");
    f.voters = m.required("voters");
    f.threshold = m.optional("threshold");
    f.members = m.optional("members");
    f.population = m.optional("population");
    f.min_blockers = m.optional("min_blockers");
    return f;
  }

  void fail(const YAML::Node& node, const std::string& path, const std::string& message) {
    r_.error(node, path, message);
    ok_ = false;
  }

  bool actor(const YAML::Node& node, const std::string& path, const std::string& id) {
    if (std::find(actor_ids_.begin(), actor_ids_.end(), id) != actor_ids_.end()) return true;
    std::string msg = "unknown actor '" + id + "'";
    const std::string near = closest_match(id, actor_ids_);
    msg += near.empty() ? "; expected the id of an actor defined in the scenario"
                        : "; did you mean '" + near + "'?";
    fail(node, path, msg);
    return false;
  }

  std::vector<std::string> actor_list(const YAML::Node& node, const std::string& path) {
    std::vector<std::string> out;
    if (!r_.sequence(node, path)) {
      ok_ = false;
      return out;
    }
    for (std::size_t k = 0; k < node.size(); ++k) {
      const std::string kpath = path + "[" + std::to_string(k) + "]";
      auto id = r_.text(node[k], kpath);
      if (!id) {
        ok_ = false;
        continue;
      }
      if (!actor(node[k], kpath, *id)) continue;
      if (std::find(out.begin(), out.end(), *id) != out.end()) {
        fail(node[k], kpath, "actor '" + *id + "' listed twice");
        continue;
      }
      out.push_back(*id);
    }
    return out;
  }

  void read_voters(const YAML::Node& node, const std::string& path, DecisionBody& body) {
    if (node.IsSequence()) {
      for (const std::string& id : actor_list(node, path)) body.voters.push_back({id, 1.0, {}});
    } else if (node.IsMap()) {
      body.weighted = true;
      std::set<std::string> seen;
      for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string id = it->first.Scalar();
        const std::string vpath = path + "." + id;
        if (!seen.insert(id).second) {
          fail(it->first, vpath, "duplicate key '" + id + "'; each key may appear once");
          continue;
        }
        const bool known = actor(it->first, vpath, id);
        auto w = r_.number(it->second, vpath);
        if (!w) {
          ok_ = false;
          continue;
        }
        if (!(*w > 0) || !std::isfinite(*w)) {
          fail(it->second, vpath,
               format_number(*w) + " is out of range; expected a voting weight > 0");
          continue;
        }
        if (known) body.voters.push_back({id, *w, {}});
      }
    } else {
      fail(node, path,
           "expected the voters: a list of actor ids, or a map from actor id to voting weight; "
           "got " +
               describe(node));
      return;
    }
    if (body.voters.empty() && ok_) fail(node, path, "a deciding body needs at least 1 voter");
  }

  // A share in (0, 1], e.g. 0.55 of the members.
  std::optional<double> share(const YAML::Node& node, const std::string& path) {
    auto v = r_.number(node, path);
    if (!v) {
      ok_ = false;
      return std::nullopt;
    }
    if (!(*v > 0 && *v <= 1)) {
      fail(node, path, format_number(*v) + " is out of range; expected a share in (0, 1]");
      return std::nullopt;
    }
    return v;
  }

  void read_population(const YAML::Node& node, const std::string& path, DecisionBody& body) {
    if (!node.IsMap()) {
      fail(node, path,
           "expected {share: s, figures: {ACTOR: population, ...}}, got " + describe(node));
      return;
    }
    auto m = r_.map(node, path);
    auto s = m.required("share");
    auto figures = m.required("figures");
    m.finish();
    if (s) body.population_share = share(*s, path + ".share");
    if (!figures) {
      ok_ = false;
      return;
    }
    const std::string fpath = path + ".figures";
    if (!figures->IsMap()) {
      fail(*figures, fpath,
           "expected a map from voter id to population, got " + describe(*figures));
      return;
    }
    for (auto it = figures->begin(); it != figures->end(); ++it) {
      const std::string id = it->first.Scalar();
      const std::string vpath = fpath + "." + id;
      auto v = r_.number(it->second, vpath);
      if (!v) {
        ok_ = false;
        continue;
      }
      if (!(*v > 0) || !std::isfinite(*v)) {
        fail(it->second, vpath, format_number(*v) + " is out of range; expected a population > 0");
        continue;
      }
      auto voter = std::find_if(body.voters.begin(), body.voters.end(),
                                [&](const Voter& x) { return x.actor == id; });
      if (voter == body.voters.end()) {
        std::vector<std::string> ids;
        for (const Voter& x : body.voters) ids.push_back(x.actor);
        const std::string near = closest_match(id, ids);
        fail(it->first, vpath,
             "'" + id + "' is not a voter of this body" +
                 (near.empty() ? std::string("; figures are given for voters only")
                               : "; did you mean '" + near + "'?"));
        continue;
      }
      if (voter->population) {
        fail(it->first, vpath, "duplicate key '" + id + "'; each key may appear once");
        continue;
      }
      voter->population = *v;
    }
    std::string missing;
    for (const Voter& x : body.voters) {
      if (!x.population) missing += (missing.empty() ? "" : ", ") + x.actor;
    }
    if (!missing.empty()) {
      fail(*figures, fpath,
           "no population for voter(s) " + missing + "; a population quota needs every voter's");
    }
  }

  void read_body(const YAML::Node& node, const BodyFields& f, const std::string& path,
                 DecisionBody& body) {
    if (f.rule) {
      if (auto r = r_.choice(*f.rule, path + ".rule", voting_rule_names())) {
        body.rule = *parse_voting_rule(*r);
      } else {
        ok_ = false;
      }
    } else {
      ok_ = false;
    }
    if (f.voters) {
      read_voters(*f.voters, path + ".voters", body);
    } else {
      ok_ = false;
    }
    const bool unanimity = f.rule && body.rule == VotingRule::kUnanimity;
    auto only_majority = [&](const std::optional<YAML::Node>& key, const std::string& name) {
      if (key && unanimity) {
        fail(*key, path + "." + name,
             "'" + name + "' applies to a majority rule; under unanimity every voter must consent");
        return false;
      }
      return key.has_value();
    };
    if (only_majority(f.threshold, "threshold")) {
      auto t = r_.number(*f.threshold, path + ".threshold");
      const double total = body.total_weight();
      if (!t) {
        ok_ = false;
      } else if (!(*t > 0) || (!body.voters.empty() && *t > total * (1 + 1e-12))) {
        fail(*f.threshold, path + ".threshold",
             format_number(*t) + " is out of range; expected the votes needed, in (0, " +
                 format_number(total) + "] (the voters' total weight)");
      } else {
        body.threshold = *t;
      }
    } else if (f.rule && body.rule == VotingRule::kQualifiedMajority && !f.members) {
      fail(node, path + ".threshold",
           "missing required field 'threshold': a qualified majority needs the weighted votes "
           "in favour (threshold), a share of members (members), or both");
    }
    if (only_majority(f.members, "members"))
      body.member_share = share(*f.members, path + ".members");
    if (only_majority(f.population, "population")) {
      read_population(*f.population, path + ".population", body);
    }
    if (only_majority(f.min_blockers, "min_blockers")) {
      auto k = r_.integer(*f.min_blockers, path + ".min_blockers");
      const auto n = static_cast<std::int64_t>(body.voters.size());
      if (!k) {
        ok_ = false;
      } else if (*k < 1 || (n > 0 && *k > n)) {
        fail(*f.min_blockers, path + ".min_blockers",
             std::to_string(*k) + " is out of range; expected a number of voters in [1, " +
                 std::to_string(n) + "]");
      } else {
        body.min_blockers = static_cast<int>(*k);
      }
    }
  }

  YamlReader& r_;
  const std::vector<std::string>& actor_ids_;
  bool ok_ = true;
};

void emit_body(YAML::Emitter& out, const DecisionBody& b) {
  out << YAML::Key << "rule" << YAML::Value << voting_rule_name(b.rule);
  out << YAML::Key << "voters" << YAML::Value << YAML::Flow;
  if (b.weighted) {
    out << YAML::BeginMap;
    for (const Voter& v : b.voters) {
      out << YAML::Key << v.actor << YAML::Value << format_number(v.weight);
    }
    out << YAML::EndMap;
  } else {
    out << YAML::BeginSeq;
    for (const Voter& v : b.voters) out << v.actor;
    out << YAML::EndSeq;
  }
  if (b.threshold) out << YAML::Key << "threshold" << YAML::Value << format_number(*b.threshold);
  if (b.member_share) {
    out << YAML::Key << "members" << YAML::Value << format_number(*b.member_share);
  }
  if (b.population_share) {
    out << YAML::Key << "population" << YAML::Value << YAML::BeginMap << YAML::Key << "share"
        << YAML::Value << format_number(*b.population_share) << YAML::Key << "figures"
        << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (const Voter& v : b.voters) {
      out << YAML::Key << v.actor << YAML::Value << format_number(v.population.value_or(0));
    }
    out << YAML::EndMap << YAML::EndMap;
  }
  if (b.min_blockers > 0) out << YAML::Key << "min_blockers" << YAML::Value << b.min_blockers;
}

}  // namespace

std::optional<Procedure> read_procedure(YamlReader& reader, const YAML::Node& node,
                                        const std::string& path,
                                        const std::vector<std::string>& actor_ids) {
  return ProcedureReader(reader, actor_ids).read(node, path);
}

void emit_procedure(YAML::Emitter& out, const Procedure& p) {
  out << YAML::BeginMap;
  emit_body(out, p.body);
  if (!p.agenda_setter.empty()) {
    out << YAML::Key << "agenda_setter" << YAML::Value << p.agenda_setter;
  }
  if (!p.vetoes.empty()) out << YAML::Key << "vetoes" << YAML::Value << YAML::Flow << p.vetoes;
  if (p.co_decision) {
    out << YAML::Key << "co_decision" << YAML::Value << YAML::BeginMap;
    emit_body(out, *p.co_decision);
    out << YAML::EndMap;
  }
  if (!p.basis.empty()) out << YAML::Key << "basis" << YAML::Value << p.basis;
  out << YAML::EndMap;
}

}  // namespace entente::detail

// The alliance model's scenario components: congruence, risk sharing, asymmetry,
// abandonment and entrapment, and the durability arithmetic on top of the fitted hazard.
// docs/alliance.md derives each formula; the comments here say why a choice was made.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "entente/alliance.hpp"
#include "entente/crisis.hpp"
#include "entente/games.hpp"
#include "entente/geo.hpp"

namespace entente::alliance {

namespace {

double logistic(double z) { return 1.0 / (1.0 + std::exp(-z)); }

double capability_of(const Scenario& s, const std::string& member) {
  const Actor* a = s.actor(member);
  return a == nullptr ? 0.0 : std::max(0.0, a->capability.value);
}

// Capability shares of the members; equal shares when no member has any capability.
std::vector<double> shares(const Scenario& s, const Alliance& a) {
  std::vector<double> caps;
  double total = 0.0;
  for (const std::string& m : a.members) {
    caps.push_back(capability_of(s, m));
    total += caps.back();
  }
  for (double& c : caps) {
    c = total > 0 ? c / total : 1.0 / static_cast<double>(a.members.size());
  }
  return caps;
}

Date date_of(const Scenario& s) { return s.applied_through.value_or(s.as_of); }

}  // namespace

namespace {

// member_stand() with the stances' root actors and capabilities given by index, so that
// a caller may look them up once; roots and member may be ids that compare as the names.
template <typename Member, typename RootOf, typename CapabilityOf>
std::optional<Stand> stand_of(const Issue& issue, const Member& member, RootOf&& root_of,
                              CapabilityOf&& capability) {
  double weight = 0.0;
  double moment = 0.0;
  double cap = 0.0;
  double cap_salience = 0.0;
  double plain = 0.0;
  int n = 0;
  for (std::size_t k = 0; k < issue.stances.size(); ++k) {
    const Stance& st = issue.stances[k];
    if (root_of(k) != member) continue;
    const double c = capability(k);
    const double sal = st.salience.value;
    weight += c * sal;
    moment += c * sal * st.position.value;
    cap += c;
    cap_salience += c * sal;
    plain += st.position.value;
    ++n;
  }
  if (n == 0) return std::nullopt;
  Stand out;
  // Without any weight the actors' positions count equally and the issue not at all.
  out.position = weight > 0 ? moment / weight : plain / n;
  out.salience = cap > 0 ? cap_salience / cap : 0.0;
  return out;
}

}  // namespace

std::optional<Stand> member_stand(const Scenario& s, const Issue& issue,
                                  const std::string& member) {
  return stand_of(
      issue, member,
      [&](std::size_t k) -> const std::string& { return s.root_actor(issue.stances[k].actor); },
      [&](std::size_t k) { return capability_of(s, issue.stances[k].actor); });
}

namespace {

// congruence() with member_stand() given as stand(issue index, member index).
template <typename StandOf>
Congruence congruence_with(const Scenario& s, const Alliance& a, const Weights& w,
                           StandOf&& stand) {
  Congruence out;
  double total_w = 0.0;
  double total_wd = 0.0;
  for (std::size_t ii = 0; ii < s.issues.size(); ++ii) {
    const Issue& issue = s.issues[ii];
    const double span = issue.scale.max - issue.scale.min;
    if (!(span > 0)) continue;
    double sum_d = 0.0;
    double sum_w = 0.0;
    double sum_wd = 0.0;
    int pairs = 0;
    for (std::size_t i = 0; i < a.members.size(); ++i) {
      const auto si = stand(ii, i);
      if (!si) continue;
      for (std::size_t j = i + 1; j < a.members.size(); ++j) {
        const auto sj = stand(ii, j);
        if (!sj) continue;
        const double d = std::clamp(std::fabs(si->position - sj->position) / span, 0.0, 1.0);
        // Geometric mean: an issue neither member cares about counts little; one only one
        // of them cares about counts, but less than a shared one.
        const double wt = std::sqrt(si->salience * sj->salience);
        sum_d += d;
        sum_w += wt;
        sum_wd += wt * d;
        ++pairs;
      }
    }
    if (pairs == 0) continue;
    IssueDistance id;
    id.issue = issue.id;
    id.distance = sum_d / pairs;
    id.weight = sum_w / pairs;
    id.share = sum_wd;  // normalised below
    out.by_issue.push_back(id);
    total_w += sum_w;
    total_wd += sum_wd;
  }
  if (total_w > 0) {
    out.issues = 1.0 - total_wd / total_w;
    for (IssueDistance& d : out.by_issue) d.share /= total_w;
  } else {
    for (IssueDistance& d : out.by_issue) d.share = 0.0;
  }

  double overlap_sum = 0.0;
  int overlap_pairs = 0;
  for (std::size_t i = 0; i < a.members.size(); ++i) {
    const AllianceTerms* ti = a.terms_of(a.members[i]);
    for (std::size_t j = i + 1; j < a.members.size(); ++j) {
      const AllianceTerms* tj = a.terms_of(a.members[j]);
      if (ti == nullptr || tj == nullptr || ti->threats.empty() || tj->threats.empty()) continue;
      std::set<std::string> targets;
      for (const Threat& t : ti->threats) targets.insert(t.target);
      for (const Threat& t : tj->threats) targets.insert(t.target);
      double lo = 0.0;
      double hi = 0.0;
      for (const std::string& target : targets) {
        const Threat* x = ti->threat(target);
        const Threat* y = tj->threat(target);
        const double vx = x == nullptr ? 0.0 : x->level.value;
        const double vy = y == nullptr ? 0.0 : y->level.value;
        lo += std::min(vx, vy);
        hi += std::max(vx, vy);
      }
      if (!(hi > 0)) continue;
      overlap_sum += lo / hi;
      ++overlap_pairs;
    }
  }
  if (overlap_pairs > 0) out.threats = overlap_sum / overlap_pairs;

  if (out.issues && out.threats) {
    out.value = (1.0 - w.threat) * *out.issues + w.threat * *out.threats;
  } else if (out.issues) {
    out.value = *out.issues;
  } else if (out.threats) {
    out.value = *out.threats;
  }
  return out;
}

}  // namespace

Congruence congruence(const Scenario& s, const Alliance& a, const Weights& w) {
  return congruence_with(s, a, w, [&](std::size_t issue, std::size_t member) {
    return member_stand(s, s.issues[issue], a.members[member]);
  });
}

Congruence congruence(const Scenario& s, const Alliance& a, const Weights& w,
                      const ScenarioIndex& index) {
  std::vector<int> member_ids;
  for (const std::string& m : a.members) member_ids.push_back(index.root_id(m));
  return congruence_with(s, a, w, [&](std::size_t issue, std::size_t member) {
    return stand_of(
        s.issues[issue], member_ids[member],
        [&](std::size_t k) { return index.stance_roots[issue][k]; },
        [&](std::size_t k) { return index.stance_capabilities[issue][k]; });
  });
}

int ScenarioIndex::root_id(const std::string& actor) const {
  for (std::size_t i = 0; i < roots.size(); ++i) {
    if (*roots[i] == actor) return static_cast<int>(i);
  }
  return -1;
}

ScenarioIndex::ScenarioIndex(const Scenario& s) {
  // Roots are numbered as they are met, equal names getting one number.
  auto id_of = [&](const std::string& root) {
    const int id = root_id(root);
    if (id >= 0) return id;
    roots.push_back(&root);
    return static_cast<int>(roots.size()) - 1;
  };
  // Every actor's root once. root_actor(id) walks from actor(id), the first actor with that
  // id, so a name's root is that actor's; a name no actor has is its own root.
  // Reserved throughout: a sweep builds an index for every sample.
  roots.reserve(s.actors.size() + s.polls.size() + s.forces.size());
  std::vector<int> actor_roots;
  actor_roots.reserve(s.actors.size());
  for (const Actor& a : s.actors) actor_roots.push_back(id_of(s.root_actor(a.id)));
  auto root_of = [&](const Actor* a, const std::string& name) {
    return a == nullptr ? id_of(name) : actor_roots[static_cast<std::size_t>(a - s.actors.data())];
  };
  stance_roots.reserve(s.issues.size());
  stance_capabilities.reserve(s.issues.size());
  for (const Issue& issue : s.issues) {
    auto& ids = stance_roots.emplace_back();
    auto& caps = stance_capabilities.emplace_back();
    ids.reserve(issue.stances.size());
    caps.reserve(issue.stances.size());
    for (const Stance& st : issue.stances) {
      const Actor* a = s.actor(st.actor);
      ids.push_back(root_of(a, st.actor));
      caps.push_back(a == nullptr ? 0.0 : std::max(0.0, a->capability.value));  // capability_of
    }
  }
  poll_roots.reserve(s.polls.size());
  for (const Poll& p : s.polls) poll_roots.push_back(root_of(s.actor(p.actor), p.actor));
  units.reserve(s.forces.size());
  if (!geo::weapon_distances_defined(s)) {
    // force_exposure may throw here: it decides, as it always has.
    const auto exposure = geo::force_exposure(s, geo::enemies_outside_alliances(s));
    for (std::size_t i = 0; i < s.forces.size(); ++i) {
      const std::string& owner = s.forces[i].owner;
      units.push_back({root_of(s.actor(owner), owner), exposure[i].strength, exposure[i].exposed(),
                       &s.forces[i].serves});
    }
    return;
  }
  // force_exposure's test, stopping at the first enemy weapon in range: only whether one
  // reaches the unit is read.
  geo::HostileWeapons hostile(s);
  std::vector<geo::WeaponHit> hit;
  for (const Force& f : s.forces) {
    geo::weapons_reaching(s, f, hostile.of(f.owner), true, hit, /*distances=*/false);
    const bool exposed = !hit.empty();
    units.push_back({root_of(s.actor(f.owner), f.owner), f.strength.value, exposed, &f.serves});
  }
}

std::vector<RiskSharing> risk_sharing(const Scenario& s, const Alliance& a, const Weights& w) {
  return risk_sharing(s, a, w, geo::force_exposure(s, geo::enemies_outside_alliances(s)));
}

namespace {

// Whether a unit declared to back `serves` counts for alliance `id`: every alliance of its
// owner when it declares none.
bool serves(const std::vector<std::string>& serves, const std::string& id) {
  return serves.empty() || std::find(serves.begin(), serves.end(), id) != serves.end();
}

// risk_sharing() with poll_of(poll index, member index) saying whether a poll's public is
// the member's, and for_each_unit(member index, f) calling f(strength, exposed) for the
// member's units in force order.
int days_between(const Date& from, const Date& to) {
  return static_cast<int>(to.days_since_epoch() - from.days_since_epoch());
}

// How each of a member's signals counts today: visible when dated on or before today, its
// effect discounted by its lateness against the decision it was meant to influence.
std::vector<SignalUse> signal_uses(const Scenario& s, const AllianceTerms& t, const Date& today,
                                   const Weights& w) {
  std::vector<SignalUse> out;
  for (const Signal& sg : t.signals) {
    SignalUse u;
    u.id = sg.id;
    u.date = sg.date;
    u.needed_by = sg.needed_by;
    const Decision* d = s.decision(sg.needed_by);
    u.needed_date = d != nullptr ? d->date : sg.date;
    u.days_late = std::max(0, days_between(u.needed_date, sg.date));
    u.discount = lateness_discount(u.days_late, w);
    u.visible = !(sg.date > today);
    out.push_back(u);
  }
  return out;
}

template <typename PollOf, typename ForEachUnit>
std::vector<RiskSharing> risk_sharing_with(const Scenario& s, const Alliance& a, const Weights& w,
                                           PollOf&& poll_of, ForEachUnit&& for_each_unit,
                                           const std::vector<ConductEvidence>* games = nullptr) {
  std::vector<RiskSharing> out;
  const std::vector<double> share = shares(s, a);
  const Date today = date_of(s);
  // Each member's signals as they count today; a signal adds its discounted amounts to the
  // member's burden fields and stated commitment.
  std::vector<std::vector<SignalUse>> uses(a.members.size());
  for (std::size_t i = 0; i < a.members.size(); ++i) {
    if (const AllianceTerms* t = a.terms_of(a.members[i])) uses[i] = signal_uses(s, *t, today, w);
  }
  auto signalled = [&](std::size_t i, std::optional<Quantity> Signal::*field) {
    std::optional<double> add;
    const AllianceTerms* t = a.terms_of(a.members[i]);
    if (t == nullptr) return add;
    for (std::size_t k = 0; k < t->signals.size(); ++k) {
      const Signal& sg = t->signals[k];
      if (!uses[i][k].visible || !(sg.*field)) continue;
      add = add.value_or(0.0) + uses[i][k].discount * (sg.*field)->value;
    }
    return add;
  };

  // Burden: a component counts when every member gives it (a missing value is unknown,
  // not zero) and someone contributes.
  struct Component {
    const char* name;
    std::optional<Quantity> AllianceTerms::*field;
    std::optional<Quantity> Signal::*signal;  // the signals' share of it, if any
  };
  const Component components[] = {
      {"troops_abroad", &AllianceTerms::troops_abroad, &Signal::troops_abroad},
      {"host_nation_support", &AllianceTerms::host_nation_support, &Signal::host_nation_support},
      {"contributions", &AllianceTerms::contributions, &Signal::contributions},
      {"defence_spending", &AllianceTerms::defence_spending, nullptr}};
  const bool conduct_declared = declares_conduct(s);
  std::vector<std::vector<double>> burden_scores(a.members.size());
  for (const Component& comp : components) {
    std::vector<double> values;
    for (std::size_t i = 0; i < a.members.size(); ++i) {
      const AllianceTerms* t = a.terms_of(a.members[i]);
      if (t == nullptr) break;
      // A visible signal gives the field for its member even without a base value.
      const std::optional<double> extra =
          comp.signal != nullptr ? signalled(i, comp.signal) : std::nullopt;
      if (!(t->*comp.field) && !extra) break;
      const double base = (t->*comp.field) ? (t->*comp.field)->value : 0.0;
      values.push_back(std::max(0.0, base + extra.value_or(0.0)));
    }
    if (values.size() != a.members.size()) continue;
    double total = 0.0;
    for (double v : values) total += v;
    if (!(total > 0)) continue;
    for (std::size_t i = 0; i < values.size(); ++i) {
      // Fair-share ratio (Olson & Zeckhauser 1966): share of the effort over share of
      // capability; r/(1+r) maps "its fair share" to 0.5 and "nothing" to 0.
      const double r = share[i] > 0 ? (values[i] / total) / share[i] : 0.0;
      burden_scores[i].push_back(r / (1.0 + r));
    }
  }

  for (std::size_t i = 0; i < a.members.size(); ++i) {
    const std::string& m = a.members[i];
    RiskSharing r;
    r.member = m;
    const AllianceTerms* t = a.terms_of(m);
    if (t != nullptr && t->commitment) {
      // A signal moves the stated commitment the partner perceives, as far as it is on time.
      r.commitment = std::clamp(
          t->commitment->value + signalled(i, &Signal::commitment).value_or(0.0), 0.0, 1.0);
    }
    r.signals = uses[i];

    // Conduct: past episodes, weighted by recency, and the member's choices in the crisis
    // games it plays with a partner (weight 1: today's evidence).
    if (t != nullptr) {
      for (const Episode& e : t->episodes) {
        if (e.date > today) continue;
        const double age = static_cast<double>(days_between(e.date, today));
        ConductEvidence ev;
        ev.member = m;
        ev.kind = "episode";
        ev.id = e.id;
        ev.date = e.date;
        ev.shares_risk = e.shares_risk.value;
        ev.weight = std::pow(0.5, age / std::max(1.0, w.episode_half_life_days));
        r.evidence.push_back(std::move(ev));
      }
    }
    if (games != nullptr) {
      for (const ConductEvidence& ev : *games) {
        if (ev.member == m) r.evidence.push_back(ev);
      }
    }
    if (!r.evidence.empty()) {
      double sum = 0.0;
      double weight = 0.0;
      for (const ConductEvidence& ev : r.evidence) {
        sum += ev.weight * ev.shares_risk;
        weight += ev.weight;
      }
      if (weight > 0) r.conduct = sum / weight;
    }

    if (t != nullptr && !t->support_polls.empty()) {
      double sum = 0.0;
      double weight = 0.0;
      for (std::size_t pi = 0; pi < s.polls.size(); ++pi) {
        const Poll& p = s.polls[pi];
        if (p.date > today || !poll_of(pi, i)) continue;
        if (std::find(t->support_polls.begin(), t->support_polls.end(), p.question) ==
            t->support_polls.end()) {
          continue;
        }
        const double age =
            static_cast<double>(today.days_since_epoch() - p.date.days_since_epoch());
        const double wt = std::pow(0.5, age / std::max(1.0, w.poll_half_life_days));
        r.polls.push_back(PollUse{p.id, p.support.value, wt});
        sum += wt * p.support.value;
        weight += wt;
      }
      if (weight > 0) r.support = sum / weight;
    }

    if (!burden_scores[i].empty()) {
      double sum = 0.0;
      for (double b : burden_scores[i]) sum += b;
      r.burden = sum / static_cast<double>(burden_scores[i].size());
    }

    double strength = 0.0;
    double exposed = 0.0;
    for_each_unit(i, [&](double unit_strength, bool unit_exposed) {
      strength += unit_strength;
      if (unit_exposed) exposed += unit_strength;
    });
    if (strength > 0) r.exposure = exposed / strength;

    double num = 0.0;
    double den = 0.0;
    auto add = [&](const std::optional<double>& v, double wt, const char* name) {
      if (v && wt > 0) {
        num += wt * *v;
        den += wt;
      } else if (!v) {
        r.missing.emplace_back(name);
      }
    };
    add(r.commitment, w.commitment, "commitment");
    add(r.support, w.support, "support");
    add(r.burden, w.burden, "burden");
    add(r.exposure, w.exposure, "exposure");
    // Listed as missing only where the scenario uses conduct at all, so that scenarios
    // written before it report as they did.
    if (r.conduct || conduct_declared) add(r.conduct, w.conduct, "conduct");
    if (den > 0) r.value = num / den;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::vector<RiskSharing> risk_sharing(const Scenario& s, const Alliance& a, const Weights& w,
                                      const std::vector<geo::UnitExposure>& exposure) {
  return risk_sharing_with(
      s, a, w,
      [&](std::size_t p, std::size_t m) { return s.root_actor(s.polls[p].actor) == a.members[m]; },
      [&](std::size_t m, auto&& f) {
        for (std::size_t i = 0; i < exposure.size(); ++i) {
          const auto& u = exposure[i];
          if (s.root_actor(u.owner) != a.members[m]) continue;
          if (i < s.forces.size() && !serves(s.forces[i].serves, a.id)) continue;
          f(u.strength, u.exposed());
        }
      });
}

std::vector<RiskSharing> risk_sharing(const Scenario& s, const Alliance& a, const Weights& w,
                                      const ScenarioIndex& index) {
  return risk_sharing(s, a, w, index, {});
}

std::vector<RiskSharing> risk_sharing(const Scenario& s, const Alliance& a, const Weights& w,
                                      const ScenarioIndex& index,
                                      const std::vector<ConductEvidence>& games) {
  std::vector<int> member_ids;
  for (const std::string& m : a.members) member_ids.push_back(index.root_id(m));
  return risk_sharing_with(
      s, a, w, [&](std::size_t p, std::size_t m) { return index.poll_roots[p] == member_ids[m]; },
      [&](std::size_t m, auto&& f) {
        for (const ScenarioIndex::Unit& u : index.units) {
          if (u.root != member_ids[m]) continue;
          if (u.serves != nullptr && !serves(*u.serves, a.id)) continue;
          f(u.strength, u.exposed);
        }
      },
      &games);
}

double lateness_discount(int days_late, const Weights& w) {
  if (w.lateness == Weights::Lateness::kNone || days_late <= 0) return 1.0;
  return std::pow(0.5, static_cast<double>(days_late) / std::max(1.0, w.lateness_half_life_days));
}

bool declares_conduct(const Scenario& s) {
  for (const Alliance& a : s.alliances) {
    for (const AllianceTerms& t : a.terms) {
      if (!t.episodes.empty()) return true;
    }
  }
  for (const ScenarioGame& g : s.games) {
    for (const GameNode& n : g.nodes) {
      for (const GameAction& act : n.actions) {
        if (act.shares_risk) return true;
      }
    }
  }
  return false;
}

std::vector<ConductEvidence> crisis_evidence(const Scenario& s, const std::string& solver,
                                             double off_path_weight) {
  std::vector<ConductEvidence> out;
  const Date today = date_of(s);
  std::optional<std::map<std::string, double>> values;  // computed once, when needed
  auto add = [&](const ScenarioGame& g, const GameNode& n, const std::string& choice, bool on_path,
                 double shares_risk) {
    ConductEvidence ev;
    ev.member = s.root_actor(n.player);
    ev.kind = "game";
    ev.id = g.id;
    ev.choice = choice;
    ev.node = n.label;
    ev.on_path = on_path;
    ev.date = today;
    ev.shares_risk = shares_risk;
    ev.weight = on_path ? 1.0 : off_path_weight;
    out.push_back(std::move(ev));
  };
  for (const ScenarioGame& g : s.games) {
    // Inline games only: a .efg file's actions carry no shares_risk tag.
    bool tagged = false;
    for (const GameNode& n : g.nodes) {
      for (const GameAction& act : n.actions) tagged = tagged || act.shares_risk.has_value();
    }
    if (!tagged) continue;
    // A sweep asks this of every sample: the compiled path when it applies, which decides
    // as solve() does (tested against it), else solve().
    thread_local std::vector<crisis::NodeChoice> choices;
    if (crisis::pure_choices(s, g, solver, choices)) {
      for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        const GameNode& n = g.nodes[i];
        if (choices[i].action < 0) continue;
        const GameAction& act = n.actions[static_cast<std::size_t>(choices[i].action)];
        // The member chose an untagged action: its choice says nothing declared.
        if (act.shares_risk) add(g, n, act.name, choices[i].on_path, *act.shares_risk);
      }
      continue;
    }
    if (!values) values = crisis::game_variables(s);
    const crisis::Solution sol = crisis::solve(g, *values, solver);
    const games::ExtensiveGame& eg = sol.game;
    for (const GameNode& n : g.nodes) {
      bool any = false;
      for (const GameAction& act : n.actions) any = any || act.shares_risk.has_value();
      if (!any) continue;
      // The solved game's node with this label (build_game keeps the declared labels).
      int node = -1;
      for (std::size_t k = 0; k < eg.nodes().size(); ++k) {
        if (eg.nodes()[k].label == n.label && eg.nodes()[k].infoset >= 0) {
          node = static_cast<int>(k);
          break;
        }
      }
      if (node < 0) continue;
      double tagged_p = 0.0;
      double sum = 0.0;
      double best = -1.0;
      std::string choice;
      for (std::size_t k = 0; k < n.actions.size(); ++k) {
        const double p = games::action_probability(eg, sol.profile, node, static_cast<int>(k));
        if (p > best) {
          best = p;
          choice = n.actions[k].name;
        }
        if (n.actions[k].shares_risk) {
          tagged_p += p;
          sum += p * *n.actions[k].shares_risk;
        }
      }
      // The member chose an untagged action: its choice says nothing declared.
      if (!(tagged_p > 0)) continue;
      add(g, n, choice,
          std::any_of(sol.path.begin(), sol.path.end(),
                      [&](const crisis::Step& st) { return st.node == n.label; }),
          sum / tagged_p);
    }
  }
  return out;
}

double health_of(const Congruence& c, const std::vector<RiskSharing>& risk, const Weights& w) {
  double weakest = risk.empty() ? 0.5 : risk.front().value;
  for (const RiskSharing& r : risk) weakest = std::min(weakest, r.value);
  return health(c.value, weakest, w);
}

TimingSearch search_signal_timing(const Scenario& s, const Alliance& a, const Weights& w,
                                  const ScenarioIndex& index,
                                  const std::vector<ConductEvidence>& games,
                                  const std::string& member, const std::string& signal_id,
                                  double target) {
  TimingSearch out;
  out.member = member;
  out.signal = signal_id;
  out.target = target;
  const Congruence c = congruence(s, a, w, index);
  Alliance moved = a;
  Signal* sg = nullptr;
  std::size_t terms_index = 0;
  for (std::size_t k = 0; k < moved.terms.size(); ++k) {
    if (moved.terms[k].member != member) continue;
    for (Signal& x : moved.terms[k].signals) {
      if (x.id == signal_id) {
        sg = &x;
        terms_index = k;
      }
    }
  }
  if (sg == nullptr) throw std::invalid_argument("no signal " + signal_id + " of " + member);
  const Date actual = sg->date;
  auto health_at = [&](const Date& d) {
    sg->date = d;
    return health_of(c, risk_sharing(s, moved, w, index, games), w);
  };
  out.health = health_at(actual);
  {
    Alliance none = a;
    auto& list = none.terms[terms_index].signals;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const Signal& x) { return x.id == signal_id; }),
               list.end());
    out.without = health_of(c, risk_sharing(s, none, w, index, games), w);
  }
  const Decision* d = s.decision(sg->needed_by);
  const Date today = date_of(s);
  Date best = d != nullptr ? d->date : actual;
  if (today < best) best = today;  // a signal after the evaluation date is not seen yet
  if (actual < best) best = actual;
  out.on_time = health_at(best);
  const double goal = out.health + target;
  // Before `best` the signal is on time and seen: health is what it is at `best`. So scan
  // day by day from the day before the signal's date back to `best`; the first day that
  // reaches the goal is the latest. A scan, not a bisection: health need not fall as the
  // signal comes later (a partner's burden share rises as this member's contribution is
  // discounted, and the weakest member may change).
  for (long day = actual.days_since_epoch() - 1; day >= best.days_since_epoch(); --day) {
    if (health_at(Date::from_days_since_epoch(day)) >= goal) {
      out.latest = Date::from_days_since_epoch(day);
      out.days_earlier = static_cast<int>(actual.days_since_epoch() - day);
      break;
    }
  }
  sg->date = actual;
  return out;
}

namespace {

// Asymmetry::index from the members' capability shares.
double asymmetry_index(const std::vector<double>& sh) {
  const double n = static_cast<double>(sh.size());
  double top = 0.0;
  for (const double x : sh) top = std::max(top, x);
  return n > 1 ? (top - 1.0 / n) / (1.0 - 1.0 / n) : 0.0;
}

}  // namespace

Asymmetry asymmetry(const Scenario& s, const Alliance& a) {
  Asymmetry out;
  const std::vector<double> sh = shares(s, a);
  const double n = static_cast<double>(a.members.size());
  for (std::size_t i = 0; i < a.members.size(); ++i) {
    out.share[a.members[i]] = sh[i];
    out.security[a.members[i]] = 1.0 - sh[i];
    out.autonomy[a.members[i]] = sh[i] - 1.0 / n;
  }
  out.index = asymmetry_index(sh);
  return out;
}

namespace {
Fear finish(std::string member, std::vector<Term> terms) {
  Fear f;
  f.member = std::move(member);
  std::sort(terms.begin(), terms.end(), [](const Term& x, const Term& y) {
    return x.value > y.value || (x.value == y.value && x.name < y.name);
  });
  double sum = 0.0;
  for (const Term& t : terms) sum += t.value;
  f.value = terms.empty() ? 0.0 : sum / static_cast<double>(terms.size());
  f.terms = std::move(terms);
  return f;
}
}  // namespace

std::vector<Fear> abandonment(const Alliance& a, const Congruence& c,
                              const std::vector<RiskSharing>& r, const Asymmetry& asym) {
  std::vector<Fear> out;
  for (const std::string& m : a.members) {
    std::vector<Term> terms;
    terms.push_back({"dependence", asym.security.count(m) ? asym.security.at(m) : 0.0});
    const AllianceTerms* t = a.terms_of(m);
    if (t != nullptr && !t->threats.empty()) {
      double top = 0.0;
      for (const Threat& th : t->threats) top = std::max(top, th.level.value);
      terms.push_back({"threat", top});
    }
    double partners = 0.0;
    int n = 0;
    for (const RiskSharing& rs : r) {
      if (rs.member == m) continue;
      partners += rs.value;
      ++n;
    }
    if (n > 0) terms.push_back({"partners_unwilling", 1.0 - partners / n});
    terms.push_back({"divergence", 1.0 - c.value});
    out.push_back(finish(m, std::move(terms)));
  }
  return out;
}

std::vector<Fear> entrapment(const Alliance& a, const Congruence& c,
                             const std::vector<RiskSharing>& r) {
  std::vector<Fear> out;
  for (const std::string& m : a.members) {
    std::vector<Term> terms;
    const AllianceTerms* mine = a.terms_of(m);
    double unshared = 0.0;
    double theirs = 0.0;
    for (const std::string& p : a.members) {
      if (p == m) continue;
      const AllianceTerms* tp = a.terms_of(p);
      if (tp == nullptr) continue;
      for (const Threat& th : tp->threats) {
        const Threat* own = mine == nullptr ? nullptr : mine->threat(th.target);
        unshared += std::max(0.0, th.level.value - (own == nullptr ? 0.0 : own->level.value));
        theirs += th.level.value;
      }
    }
    if (theirs > 0) terms.push_back({"unshared_threats", unshared / theirs});
    if (mine != nullptr && mine->commitment) {
      terms.push_back({"own_commitment", mine->commitment->value});
    }
    terms.push_back({"divergence", 1.0 - c.value});
    for (const RiskSharing& rs : r) {
      if (rs.member == m && rs.exposure) terms.push_back({"exposure", *rs.exposure});
    }
    out.push_back(finish(m, std::move(terms)));
  }
  return out;
}

std::vector<double> structural_covariates(const Scenario& s, const Alliance& a, const Date& at,
                                          const CincTable& nmc,
                                          std::vector<std::string>& warnings) {
  const double asymmetry = asymmetry_index(shares(s, a));
  const auto [first, last] = nmc.years();
  double change = 0.0;
  if (a.since) {
    const int then = std::clamp(a.since->year, first, last);
    const int now = std::clamp(at.year, first, last);
    for (const std::string& m : a.members) {
      const Actor* actor = s.actor(m);
      if (actor == nullptr || !actor->cinc) {
        warnings.push_back(a.id + ": " + m +
                           " has no COW state, so its capability change since formation is "
                           "taken as 0");
        continue;
      }
      const auto c0 = nmc.cinc(actor->cinc->state, then);
      const auto c1 = nmc.cinc(actor->cinc->state, now);
      if (!c0 || !c1) {
        warnings.push_back(a.id + ": no COW CINC for " + actor->cinc->state + " in " +
                           std::to_string(then) + " or " + std::to_string(now) +
                           "; capability change taken as 0");
        continue;
      }
      // Same floor as the fit (hazard.cpp): keeps micro-states' log-ratios finite.
      change = std::max(change, std::fabs(std::log((*c1 + 1e-4) / (*c0 + 1e-4))));
    }
  } else {
    warnings.push_back(a.id +
                       ": no `since` date, so age and capability change are unknown; "
                       "age taken as 0");
  }
  const double age =
      a.since
          ? std::max(0.0, static_cast<double>(at.days_since_epoch() - a.since->days_since_epoch()) /
                              365.25)
          : 0.0;
  const bool defence = a.type == "defence" || std::find(a.obligations.begin(), a.obligations.end(),
                                                        "defence") != a.obligations.end();
  return {asymmetry, change, std::log(1.0 + age), defence ? 1.0 : 0.0,
          std::log(static_cast<double>(a.members.size()))};
}

double health(double congruence, double risk, const Weights& w) {
  const double total = w.shift_congruence + w.shift_risk;
  if (!(total > 0)) return 0.5 * (congruence + risk);
  return (w.shift_congruence * congruence + w.shift_risk * risk) / total;
}

double hazard_shift(double congruence, double risk, const Weights& w) {
  return w.shift_congruence * (0.5 - congruence) + w.shift_risk * (0.5 - risk);
}

double p_holds(const HazardModel& h, std::vector<double> x, double shift, int years) {
  const double age0 = std::exp(x.at(2)) - 1.0;
  double survive = 1.0;
  for (int t = 0; t < years; ++t) {
    x[2] = std::log(1.0 + age0 + t);
    survive *= 1.0 - logistic(h.eta(x) + shift);
  }
  return survive;
}

std::vector<double> p_holds(const HazardModel& h, std::vector<double> x, double shift,
                            const std::vector<int>& years) {
  std::vector<double> out(years.size(), 1.0);
  const int longest = years.empty() ? 0 : *std::max_element(years.begin(), years.end());
  const double age0 = std::exp(x.at(2)) - 1.0;
  double survive = 1.0;
  for (int t = 0; t < longest; ++t) {
    x[2] = std::log(1.0 + age0 + t);
    survive *= 1.0 - logistic(h.eta(x) + shift);
    for (std::size_t k = 0; k < years.size(); ++k) {
      if (years[k] == t + 1) out[k] = survive;
    }
  }
  return out;
}

double p_honours(const HazardModel& h, const std::vector<double>& x, double shift,
                 const Weights& w) {
  const double rate = std::clamp(w.honour_rate, 1e-9, 1.0 - 1e-9);
  return logistic(std::log(rate / (1.0 - rate)) - (h.eta(x) - h.base_eta()) - shift);
}

}  // namespace entente::alliance

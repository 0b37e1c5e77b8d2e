// The registry of scenario models' views (entente/model_views.hpp).
#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

#include "builtin_views.hpp"
#include "entente/model_views.hpp"

namespace entente::report {

namespace {

std::vector<ModelView>& registry() {
  // Built on first use, so that a test's registration comes after the built-in views.
  static std::vector<ModelView> views{alliance_view(), crisis_view()};
  return views;
}

}  // namespace

const std::vector<ModelView>& model_views() { return registry(); }

const ModelView* find_model_view(const std::string& model) {
  const auto& views = registry();
  const auto it = std::find_if(views.begin(), views.end(),
                               [&](const ModelView& v) { return v.model == model; });
  return it == views.end() ? nullptr : &*it;
}

void register_model_view(ModelView view) {
  if (view.model.empty())
    throw std::invalid_argument("register_model_view: the model's name is empty");
  auto& views = registry();
  const auto it = std::find_if(views.begin(), views.end(),
                               [&](const ModelView& v) { return v.model == view.model; });
  if (it != views.end()) {
    *it = std::move(view);
  } else {
    views.push_back(std::move(view));
  }
}

}  // namespace entente::report

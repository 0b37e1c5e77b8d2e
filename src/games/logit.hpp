// Internal: the agent-QRE system logit traces on a tree in behaviour strategies (logit.cpp),
// for the tests of its analytic Jacobian.
#pragma once

#include <Eigen/Dense>

#include "entente/games.hpp"

namespace entente::games::detail {

// The number of unknowns besides lambda: one per action at each player's information set.
int logit_tree_unknowns(const ExtensiveGame& game);

// H(z) and its Jacobian (unknowns x unknowns + 1) at z: the log-probabilities of each
// agent's actions (agents in player, then local order; actions in order), then lambda on
// payoffs scaled to [0, 1]. Per agent, sum(exp z) - 1 and, for each action j > 0,
// z_j - z_0 - lambda (U_j - U_0), U the agent's payoffs conditional on reaching its set.
void logit_tree_system(const ExtensiveGame& game, const Eigen::VectorXd& z, Eigen::VectorXd& h,
                       Eigen::MatrixXd& jac);

}  // namespace entente::games::detail

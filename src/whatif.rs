//! What-ifs on the `sum` optimum, warm-started from its potentials: a city withdrawing, a pair
//! locked, the K best pairings, and each pair's regret.
//!
//! A [`Planner`] holds the optimal circulation of a call (see `solver::flow`): without rules it
//! is loaded from the dense solver's assignment and dual potentials, with rules it is the rules'
//! exact solve. Every what-if starts from it:
//!
//! - [`Planner::resolve`] (a city withdrawing, a pair locked): the change breaks
//!   optimality on a few edges only; the imbalances it leaves are routed along shortest paths,
//!   one Dijkstra search each (`O(R C)` worst case, usually far less), not a cold `O(n^3)` solve.
//! - [`Planner::alternatives`] (the K best pairings): Murty's ranking. The children of a
//!   pairing forbid its `k`-th pair and keep the pairs before it; the optimum of a child costs
//!   exactly the parent's plus the shortest residual detour around the forbidden pair, so each
//!   child is priced by one search over the parent's potentials (in parallel with the `rayon`
//!   feature), and only the children that are popped as the next best are re-solved.
//! - [`Planner::regrets`]: the score lost if a pair were forbidden, one detour search per pair,
//!   in parallel (with `rayon`).
//!
//! # Determinism
//! Searches break ties by node index, children are ranked by (cost, creation order), and the
//! parallel searches only read the shared state: results do not depend on the thread count.

use std::time::Instant;

#[cfg(feature = "serde")]
use serde::Serialize;

use crate::eligibility::Side;
use crate::error::{Buffer, Context, Error, Infeasibility, Location, Result, WhyUnknown};
use crate::memory::try_collect;
use crate::model::City;
use crate::pairing::{Objective, Pairing, Solution};
use crate::rules::{self, Compiled, PairList};
use crate::solver::flow::{Lex, Network, PairState};
use crate::solver::kbest::{map_with_scratch, murty, Delta};

/// A pair by ids and score.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct PairRef {
    /// EU city id.
    pub eu: String,
    /// Partner city id.
    pub partner: String,
    /// Its score.
    pub score: f64,
}

/// How a pairing differs from the `sum` optimum it was derived from.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct Diff {
    /// The optimum's total score.
    pub baseline_total: f64,
    /// This pairing's total score.
    pub total_score: f64,
    /// `baseline_total - total_score`: what the change costs.
    pub loss: f64,
    /// Pairs of the optimum that are gone, by EU id.
    pub removed: Vec<PairRef>,
    /// Pairs that are new, by EU id.
    pub added: Vec<PairRef>,
}

/// The result of [`Planner::resolve`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Resolved {
    /// The new optimum, as a full solution.
    pub solution: Solution,
    /// What changed against the optimum before the change.
    pub diff: Diff,
    /// Time spent re-solving (warm), in milliseconds.
    pub resolve_ms: f64,
}

/// One of the K best pairings ([`Planner::alternatives`]).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct Alternative {
    /// 1 for the optimum, 2 for the next best, ...
    pub rank: usize,
    /// How it differs from the optimum (`loss` is the score it gives up).
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub diff: Diff,
    /// Its pairs, by EU id.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub pairs: Vec<PairRef>,
}

/// A pair's regret ([`Planner::regrets`]).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct Regret {
    /// EU city id.
    pub eu: String,
    /// Partner city id.
    pub partner: String,
    /// The total score lost if this pair were forbidden; `None` when no pairing without it
    /// keeps the rules (a locked pair, or one a quota minimum depends on).
    pub regret: Option<f64>,
}

/// The circulation, exact with rules, or loaded from the dense solver without.
#[derive(Debug, Clone)]
enum Engine {
    Plain(Network<f64>),
    Ruled(Network<Lex>),
}

/// Runs `$body` with `$net` bound to the engine's network, whatever its cost type.
macro_rules! with_net {
    ($engine:expr, $net:ident => $body:expr) => {
        match $engine {
            Engine::Plain($net) => $body,
            Engine::Ruled($net) => $body,
        }
    };
}

/// The `sum` optimum of a call, ready for warm what-ifs.
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use citypair::{io, Pairing};
/// use citypair::whatif::Planner;
///
/// let dataset = io::embedded_dataset()?;
/// let pairing = Pairing::new(&dataset)?;
/// let planner = Planner::new(&pairing)?;
/// let change = planner.resolve(&["lisbon".to_string()], &[])?;
/// assert!(change.diff.loss >= 0.0);
/// let best = planner.alternatives(3)?;
/// assert_eq!(best.len(), 3);
/// assert!(best[1].diff.loss >= 0.0 && best[2].diff.loss >= best[1].diff.loss);
/// # }
/// # Ok::<(), citypair::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Planner<'p, 'a> {
    pairing: &'p Pairing<'a>,
    engine: Engine,
    pairs: Vec<(usize, usize)>,
    total: f64,
}

impl<'p, 'a> Planner<'p, 'a> {
    /// Solves the `sum` optimum (with the call's rules, if any) and keeps its circulation.
    ///
    /// # Errors
    /// As [`Pairing::solve`] for [`Objective::Sum`]; in candidate mode, the error of
    /// [`Pairing::matrix`] (what-ifs need the dense score matrix).
    pub fn new(pairing: &'p Pairing<'a>) -> Result<Planner<'p, 'a>> {
        let m = pairing.dense("a what-if")?;
        let (r, c) = (m.rows(), m.cols());
        let scores = m.as_slice();
        let engine = if pairing.rules().is_active() {
            let eu: Vec<&City> = pairing.eu_cities().collect();
            let partners: Vec<&City> = pairing.partner_cities().collect();
            let (_, net) = rules::solve_sum(pairing.rules(), scores, &eu, &partners)?;
            Engine::Ruled(net)
        } else {
            let a = pairing.assignment()?;
            let costs: Vec<Option<f64>> =
                try_collect(scores.len(), scores.iter().map(|&s| Some(-s))).ok_or_else(|| {
                    Error::out_of_memory(Buffer::SolverWork, r, c, size_of::<Option<f64>>())
                })?;
            let mut net = Network::new(r, c, costs, &vec![1; r], &vec![1; c], &[])?;
            let pairs: Vec<(usize, usize)> = a.pairs().collect();
            // The solver's potentials are those of the minimisation of -score, the network's
            // pair costs.
            net.load_optimum(&pairs, a.row_potentials(), a.col_potentials());
            Engine::Plain(net)
        };
        let pairs = with_net!(&engine, net => net.pairs());
        let total = pairs.iter().map(|&(i, j)| m.get(i, j)).sum();
        Ok(Planner {
            pairing,
            engine,
            pairs,
            total,
        })
    }

    /// The optimum's pairs `(row, col)` in the rows and columns of [`Pairing::matrix`].
    pub fn pairs(&self) -> &[(usize, usize)] {
        &self.pairs
    }

    /// The optimum's total score.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// Checks the held circulation's optimality certificate (non-negative reduced costs on
    /// every residual edge, flow conservation, bounds).
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the first violated condition.
    pub fn verify(&self) -> Result<()> {
        let check = with_net!(&self.engine, net => net.check(Delta::rounding));
        check.map_err(|e| Error::invalid(Location::Certificate, e))
    }

    /// The optimum after cities withdraw (`without`, ids of either side) and pairs are locked
    /// (`lock`, `(EU id, partner id)` in either order), re-solved warm from the held optimum.
    ///
    /// # Errors
    /// [`Error::UnknownCity`] for an id that is not an eligible city; [`Error::Invalid`]
    /// (location [`Location::Withdrawal`] or [`Location::Lock`]) for a withdrawal of a locked
    /// city or a lock that cannot hold (a forbidden pair, a withdrawn city, no place left);
    /// [`Error::Infeasible`] when a quota minimum can no longer be met.
    pub fn resolve(&self, without: &[String], lock: &[(String, String)]) -> Result<Resolved> {
        let (outcome, engine, conditions, resolve_ms) = self.resolve_engine(without, lock)?;
        let mut solution = self.pairing.solution_for(
            Objective::Sum,
            &outcome,
            false,
            None,
            self.total,
            resolve_ms,
        );
        // The certificate of the changed problem: withdrawn cities have capacity 0, the new
        // locks are locked pairs.
        let duals = match &engine {
            Engine::Plain(net) => Some(net.pairing_duals()),
            Engine::Ruled(net) => net.pairing_duals(Lex::SCALE),
        };
        self.pairing
            .attach_certificate(&mut solution, &conditions, duals);
        for u in &mut solution.unmatched {
            if without.contains(&u.id) {
                "withdrawn (what-if)".clone_into(&mut u.reason);
            }
        }
        Ok(Resolved {
            diff: self.diff(&outcome),
            solution,
            resolve_ms,
        })
    }

    /// [`Planner::resolve`] without assembling the solution or checking its certificate: the
    /// new optimum's pairs `(row, col)` and the milliseconds the warm re-solve took.
    ///
    /// # Errors
    /// As [`Planner::resolve`].
    pub fn resolve_pairs(
        &self,
        without: &[String],
        lock: &[(String, String)],
    ) -> Result<(Vec<(usize, usize)>, f64)> {
        self.resolve_engine(without, lock)
            .map(|(p, _, _, ms)| (p, ms))
    }

    /// The re-solve behind [`Planner::resolve`]: pairs, the re-solved circulation, the rules
    /// it solved (the call's, with the withdrawn cities' capacities at 0 and the new locks
    /// among the locked pairs), time.
    fn resolve_engine(
        &self,
        without: &[String],
        lock: &[(String, String)],
    ) -> Result<(PairList, Engine, Compiled, f64)> {
        let start = Instant::now();
        let mut withdrawn = Vec::with_capacity(without.len());
        for id in without {
            let (side, k) = self.city(id, Context::Withdrawal)?;
            let locked = self
                .pairing
                .rules()
                .locked
                .iter()
                .position(|&(i, j)| match side {
                    Side::Eu => i == k,
                    Side::Partner => j == k,
                });
            if let Some(n) = locked {
                return Err(Error::invalid(
                    Location::Withdrawal,
                    format!(
                        "\"{id}\" cannot withdraw: the call locks it in a pair (call, field \
                         \"locked\", pair #{}); remove the lock first",
                        n + 1
                    ),
                ));
            }
            withdrawn.push((side, k));
        }
        let mut locks = Vec::with_capacity(lock.len());
        for (a, b) in lock {
            let x = self.city(a, Context::Lock)?;
            let y = self.city(b, Context::Lock)?;
            let (((Side::Eu, i), (Side::Partner, j)) | ((Side::Partner, j), (Side::Eu, i))) =
                (x, y)
            else {
                return Err(Error::invalid(
                    Location::Lock,
                    format!(
                        "\"{a}\" and \"{b}\" are on the same side; a pair joins an EU city \
                         and a partner city"
                    ),
                ));
            };
            locks.push((i, j, a, b));
        }
        let mut engine = self.engine.clone();
        let outcome = with_net!(&mut engine, net => {
            for &(side, k) in &withdrawn {
                match side {
                    Side::Eu => net.set_row_cap(k, 0),
                    Side::Partner => net.set_col_cap(k, 0),
                }
            }
            let mut bad = None;
            for &(i, j, a, b) in &locks {
                let ruled_out = self.pairing.rules().forbidden.binary_search(&(i, j)).is_ok();
                if !net.fix(i, j, !ruled_out) {
                    bad = Some(format!(
                        "{a} - {b} cannot be locked: {}",
                        match net.state(i, j) {
                            PairState::Forbidden if ruled_out => "the call forbids it (call, field \"forbidden\")",
                            PairState::Fixed => "it is locked already",
                            _ => "a city or quota has no place left (withdrawn, or its capacity or \
                                  quota maximum is used by locks)",
                        }
                    ));
                    break;
                }
            }
            match bad {
                Some(m) => Err(Error::invalid(Location::Lock, m)),
                None if net.rebalance() => Ok(net.pairs()),
                None => Err(Error::infeasible(Infeasibility::Change)),
            }
        })?;
        if let Engine::Ruled(net) = &engine {
            let m = self.pairing.dense_matrix();
            let eu: Vec<&City> = self.pairing.eu_cities().collect();
            let partners: Vec<&City> = self.pairing.partner_cities().collect();
            if let Some(e) = self
                .pairing
                .rules()
                .unmet_minimum(net, m.as_slice(), &eu, &partners)
            {
                return Err(e);
            }
        }
        let resolve_ms = start.elapsed().as_secs_f64() * 1e3;
        let mut conditions = self.pairing.rules().clone();
        for &(side, k) in &withdrawn {
            match side {
                Side::Eu => conditions.row_cap[k] = 0,
                Side::Partner => conditions.col_cap[k] = 0,
            }
        }
        conditions
            .locked
            .extend(locks.iter().map(|&(i, j, _, _)| (i, j)));
        conditions.locked.sort_unstable();
        Ok((outcome, engine, conditions, resolve_ms))
    }

    /// The `k` best pairings under the call's rules, best first (the optimum is rank 1), by
    /// Murty's ranking with warm detour searches. Fewer are returned when fewer exist.
    ///
    /// # Errors
    /// None in practice; errors of the re-solves are passed on.
    pub fn alternatives(&self, k: usize) -> Result<Vec<Alternative>> {
        let ranked = with_net!(&self.engine, net => murty(net, k));
        Ok(ranked
            .into_iter()
            .enumerate()
            .map(|(rank, pairs)| Alternative {
                rank: rank + 1,
                diff: self.diff(&pairs),
                pairs: self.refs(&pairs),
            })
            .collect())
    }

    /// Each pair's regret: the total score lost if it were forbidden (the optimum without it
    /// minus the optimum), by pair (EU id order). One detour search per pair, in parallel.
    pub fn regrets(&self) -> Vec<Regret> {
        let values: Vec<Option<f64>> = with_net!(&self.engine, net => regrets(net));
        let eu: Vec<&City> = self.pairing.eu_cities().collect();
        let partners: Vec<&City> = self.pairing.partner_cities().collect();
        self.pairs
            .iter()
            .zip(values)
            .map(|(&(i, j), regret)| Regret {
                eu: eu[i].id().to_owned(),
                partner: partners[j].id().to_owned(),
                regret,
            })
            .collect()
    }

    /// The side and index of an eligible city.
    fn city(&self, id: &str, context: Context) -> Result<(Side, usize)> {
        let find = |list: Vec<&City>| list.binary_search_by(|c| c.id().cmp(id)).ok();
        if let Some(i) = find(self.pairing.eu_cities().collect()) {
            return Ok((Side::Eu, i));
        }
        if let Some(j) = find(self.pairing.partner_cities().collect()) {
            return Ok((Side::Partner, j));
        }
        let why = match self.pairing.excluded().iter().find(|e| e.id == id) {
            Some(e) => WhyUnknown::Excluded {
                reason: e.reason.clone(),
            },
            None => WhyUnknown::NoSuchCity,
        };
        Err(Error::unknown_city(id, context, why))
    }

    fn refs(&self, pairs: &[(usize, usize)]) -> Vec<PairRef> {
        let eu: Vec<&City> = self.pairing.eu_cities().collect();
        let partners: Vec<&City> = self.pairing.partner_cities().collect();
        let m = self.pairing.dense_matrix();
        pairs
            .iter()
            .map(|&(i, j)| PairRef {
                eu: eu[i].id().to_owned(),
                partner: partners[j].id().to_owned(),
                score: m.get(i, j),
            })
            .collect()
    }

    fn diff(&self, pairs: &[(usize, usize)]) -> Diff {
        let m = self.pairing.dense_matrix();
        let total: f64 = pairs.iter().map(|&(i, j)| m.get(i, j)).sum();
        let gone: Vec<(usize, usize)> = self
            .pairs
            .iter()
            .filter(|p| pairs.binary_search(p).is_err())
            .copied()
            .collect();
        let new: Vec<(usize, usize)> = pairs
            .iter()
            .filter(|p| self.pairs.binary_search(p).is_err())
            .copied()
            .collect();
        Diff {
            baseline_total: self.total,
            total_score: total,
            loss: self.total - total,
            removed: self.refs(&gone),
            added: self.refs(&new),
        }
    }
}

/// Regrets of the used pairs of `net`, in `net.used_pairs()` order merged with fixed pairs
/// (`None`) in `net.pairs()` order.
fn regrets<C: Delta>(net: &Network<C>) -> Vec<Option<f64>> {
    map_with_scratch(
        &net.pairs(),
        || net.scratch(),
        |scratch, &(i, j)| {
            if net.state(i, j) == PairState::Fixed {
                return None;
            }
            net.detour(scratch, i, j, &|_, _| false, None)
                .filter(|d| d.keeps_bounds())
                .map(Delta::loss)
        },
    )
}

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

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;
use std::time::Instant;

#[cfg(feature = "serde")]
use serde::Serialize;

use crate::eligibility::Side;
use crate::error::{Buffer, Context, Error, Infeasibility, Location, Result, WhyUnknown};
use crate::memory::try_collect;
use crate::model::City;
use crate::pairing::{Objective, Pairing, Solution};
use crate::rules::{self, Compiled, PairList};
use crate::solver::flow::{FlowCost, Lex, Network, PairState};

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

/// Cost arithmetic the what-ifs need beyond the circulation's.
trait Delta: FlowCost {
    /// The score a cost increase gives up.
    fn loss(self) -> f64;
    /// Whether a cost increase keeps every quota minimum (no tier lost).
    fn keeps_bounds(self) -> bool;
    /// Whether a reduced cost this far below zero is rounding (floats) rather than a
    /// violation; never for exact costs.
    fn rounding(self) -> bool;
}

impl Delta for f64 {
    fn loss(self) -> f64 {
        self
    }
    fn keeps_bounds(self) -> bool {
        true
    }
    fn rounding(self) -> bool {
        self.abs() <= 1e-9
    }
}

impl Delta for Lex {
    #[allow(clippy::cast_precision_loss)]
    fn loss(self) -> f64 {
        self.0[1] as f64 / Lex::SCALE
    }
    fn keeps_bounds(self) -> bool {
        self.0[0] <= 0
    }
    fn rounding(self) -> bool {
        false
    }
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
            net.load(&pairs);
            // Potentials of the minimisation of -score: u + v <= -s. As node potentials:
            // p(row) = -u, p(col) = v; `s` sits at the lowest used row, `t` at the highest
            // used column, then the circulation edge is made tight.
            let row: Vec<f64> = a.row_potentials().iter().map(|&u| -u).collect();
            let col: Vec<f64> = a.col_potentials().to_vec();
            let ps = pairs
                .iter()
                .map(|&(i, _)| row[i])
                .fold(f64::INFINITY, f64::min);
            let pt = pairs
                .iter()
                .map(|&(_, j)| col[j])
                .fold(f64::NEG_INFINITY, f64::max);
            let (ps, pt) = if pairs.is_empty() {
                (0.0, 0.0)
            } else {
                (ps, pt)
            };
            net.set_potentials(&row, &col, ps, pt);
            net.tighten_back_edge();
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

/// `items` mapped by `f` in order, each worker with a scratch space of its own made by `init`:
/// on the current rayon pool with the `rayon` feature, on this thread without it. `f` only
/// reads shared state, so the result is the same either way.
fn map_with_scratch<T, S, R>(
    items: &[T],
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, &T) -> R + Sync + Send,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    #[cfg(feature = "rayon")]
    {
        use rayon::prelude::*;
        items.par_iter().map_init(init, f).collect()
    }
    #[cfg(not(feature = "rayon"))]
    {
        let mut scratch = init();
        items.iter().map(|x| f(&mut scratch, x)).collect()
    }
}

/// A candidate child in Murty's ranking: the parent's state, which of its used pairs is
/// forbidden (the ones before it are kept), and the child's cost above the optimum.
struct Child<C> {
    cost: C,
    seq: usize,
    parent: Arc<Network<C>>,
    used: Arc<Vec<(usize, usize)>>,
    k: usize,
}

impl<C: FlowCost> PartialEq for Child<C> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<C: FlowCost> Eq for Child<C> {}
impl<C: FlowCost> PartialOrd for Child<C> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<C: FlowCost> Ord for Child<C> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cost.order(&other.cost).then(self.seq.cmp(&other.seq))
    }
}

/// Murty's ranking of the `k` best pairings from the optimal circulation `root`: each pairing
/// is returned as its pairs (fixed included), best first.
fn murty<C: Delta>(root: &Network<C>, k: usize) -> Vec<Vec<(usize, usize)>> {
    let mut out = Vec::with_capacity(k);
    if k == 0 {
        return out;
    }
    let mut heap: BinaryHeap<Reverse<Child<C>>> = BinaryHeap::new();
    let mut seq = 0;
    let mut node = (Arc::new(root.clone()), C::ZERO);
    loop {
        out.push(node.0.pairs());
        if out.len() == k {
            break;
        }
        // Price the children of `node`: child m forbids used pair m and keeps those before it.
        // Only the `need` cheapest candidates can still be ranked: a child costlier than the
        // `need`-th candidate so far is dropped, and its search stops at that cost. Children
        // are priced in chunks so that the limit tightens as they come in.
        let used = Arc::new(node.0.used_pairs());
        let need = k - out.len();
        let parent = &node.0;
        for chunk in (0..used.len()).collect::<Vec<_>>().chunks(CHUNK) {
            let limit = kth_cost(&heap, need).map(|c| c.sub(node.1));
            let costs: Vec<Option<C>> = map_with_scratch(
                chunk,
                || parent.scratch(),
                |scratch, &m| {
                    let (i, j) = used[m];
                    let keep = |a: usize, b: usize| used[..m].binary_search(&(a, b)).is_ok();
                    parent
                        .detour(scratch, i, j, &keep, limit)
                        .filter(|d| d.keeps_bounds())
                },
            );
            for (&m, cost) in chunk.iter().zip(costs) {
                if let Some(d) = cost {
                    heap.push(Reverse(Child {
                        cost: node.1.add(d),
                        seq,
                        parent: Arc::clone(&node.0),
                        used: Arc::clone(&used),
                        k: m,
                    }));
                    seq += 1;
                }
            }
            prune(&mut heap, need);
        }
        let Some(Reverse(next)) = heap.pop() else {
            break;
        };
        // Re-solve the popped child warm from its parent.
        let mut net = (*next.parent).clone();
        for &(i, j) in &next.used[..next.k] {
            net.fix(i, j, false);
        }
        let (i, j) = next.used[next.k];
        net.forbid(i, j);
        net.rebalance();
        node = (Arc::new(net), next.cost);
    }
    out
}

/// Children priced together before the limit is tightened.
const CHUNK: usize = 64;

/// Keeps only the `n` cheapest candidates (with every candidate tied with the `n`-th).
fn prune<C: FlowCost>(heap: &mut BinaryHeap<Reverse<Child<C>>>, n: usize) {
    if heap.len() <= 2 * n.max(8) {
        return;
    }
    let Some(limit) = kth_cost(heap, n) else {
        return;
    };
    let kept: Vec<Reverse<Child<C>>> = std::mem::take(heap)
        .into_vec()
        .into_iter()
        .filter(|c| c.0.cost.order(&limit) != Ordering::Greater)
        .collect();
    *heap = BinaryHeap::from(kept);
}

/// The cost of the `n`-th cheapest candidate in the heap, if it holds that many.
fn kth_cost<C: FlowCost>(heap: &BinaryHeap<Reverse<Child<C>>>, n: usize) -> Option<C> {
    if heap.len() < n || n == 0 {
        return None;
    }
    let mut costs: Vec<C> = heap.iter().map(|c| c.0.cost).collect();
    costs.sort_by(FlowCost::order);
    Some(costs[n - 1])
}

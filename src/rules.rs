//! Programme rules: minimum score, forbidden and locked pairs, quotas and city capacities,
//! checked against a call's eligible cities and solved exactly.
//!
//! A call's [`Rules`] (and its cities' `capacity`) are compiled by [`Rules::compile`] into
//! index-level [`Compiled`] rules, with an error naming the rule for anything that cannot be
//! meant (an unknown or ineligible city, a lock on a forbidden pair, overlapping quota groups,
//! locks beyond a capacity or a quota maximum). The optimum under the rules is then a
//! minimum-cost circulation on a network with one node per city and per quota group (see
//! `solver::flow`): quotas over disjoint groups keep the problem polynomial, and the solution is
//! exact, never a heuristic.
//!
//! # Semantics
//! - `min_score`: a pair scoring below it is not formed, unless it is locked (a lock is the
//!   coordinator's explicit decision and wins).
//! - `forbidden` pairs are never formed; a pair both locked and forbidden is an error.
//! - `locked` pairs are always formed; they use one place of each city's capacity and count
//!   towards the quotas of both cities' groups.
//! - A quota counts the pairs whose city (on the side its countries are on) lies in one of its
//!   countries or regions: at least `min`, at most `max`. Groups on the same side must not share
//!   a country. When no pairing meets every `min`, the error says `infeasible` and names the
//!   quota and why (the group's cities, their capacity and how many counterparts they can
//!   reach).
//! - `capacity` `k` lets a city join up to `k` pairs.
//!
//! Pairs may be written `[EU id, partner id]` or the other way round.
//!
//! # Objectives under rules
//! - `sum`: the largest total score; among equal totals, the most pairs. Lower bounds of quotas
//!   are met first (they rank above any score), so the result is the best pairing that meets
//!   them. Costs are exact integers (scores in fixed point, see `solver::flow`).
//! - `maxmin`: the most pairs the rules allow, then the highest lowest score among the pairs
//!   that are not locked, then the largest total.
//! - `stable`: locked pairs are kept and the rest is the greedy stable pairing among the
//!   allowed pairs, within the remaining capacities; undefined under quotas (an error).
//!
//! # Complexity
//! Each augmentation is one Dijkstra search over the network, `O(R C + V log V)` for `R` EU
//! cities, `C` partner cities and `V` nodes, and there is one per pair formed: `O(P R C)` for
//! `P` pairs in the worst case, `O(R + C)` memory beyond the score matrix plus one byte and one
//! cost per candidate pair.

use crate::eligibility::{is_eu_member, Side};
use crate::error::{
    Buffer, Context, Error, Infeasibility, Location, PairRule, Result, Shortfall, Unsupported,
    WhyUnknown,
};
use crate::memory::try_collect;
use crate::model::{Call, City, Country, Quota, Rules};
use crate::solver::flow::{GroupSpec, Lex, Network, PairingDuals, UNBOUNDED};

pub use crate::model::Regions;

/// A pair as `(row, column)`.
type Pair = (usize, usize);

/// A locked pair while the rules are compiled: `(row, column, position in the call's list)`.
type Lock = (usize, usize, usize);

/// One quota, resolved to the cities it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct QuotaGroup {
    /// 1-based position of the quota in `call.quotas`.
    pub number: usize,
    /// The side of its cities.
    pub side: Side,
    /// Its countries, after expanding regions, sorted.
    pub countries: Vec<Country>,
    /// Its eligible cities (row indices for the EU side, column indices for partners).
    pub members: Vec<usize>,
    /// Fewest pairs.
    pub min: usize,
    /// Most pairs, if limited.
    pub max: Option<usize>,
}

impl QuotaGroup {
    /// A short label, e.g. `quota #2 (IN, min 2)`.
    pub fn label(&self) -> String {
        let countries: Vec<&str> = self.countries.iter().map(Country::as_str).collect();
        let mut bounds = Vec::new();
        if self.min > 0 {
            bounds.push(format!("min {}", self.min));
        }
        if let Some(m) = self.max {
            bounds.push(format!("max {m}"));
        }
        format!(
            "quota #{} ({}, {})",
            self.number,
            countries.join(", "),
            bounds.join(", ")
        )
    }
}

/// A call's rules in terms of matrix rows (EU cities, by id) and columns (partner cities).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Compiled {
    /// The minimum score, if any.
    pub min_score: Option<f64>,
    /// Forbidden pairs `(row, col)`, sorted, without repeats.
    pub forbidden: Vec<(usize, usize)>,
    /// Locked pairs `(row, col)`, sorted.
    pub locked: Vec<(usize, usize)>,
    /// Capacity of each row.
    pub row_cap: Vec<usize>,
    /// Capacity of each column.
    pub col_cap: Vec<usize>,
    /// The quotas.
    pub quotas: Vec<QuotaGroup>,
}

impl Rules {
    /// Checks the rules against the eligible cities (`eu` and `partners`, each sorted by id)
    /// and resolves them to indices.
    ///
    /// # Errors
    /// [`Error::UnknownCity`] for an id that is not an eligible city of either side;
    /// [`Error::Invalid`] for a pair of two cities of the same side, a lock on a forbidden
    /// pair, a pair locked twice, locks beyond a city's capacity, a quota country on neither
    /// side, a quota mixing sides, quotas sharing a country on the same side;
    /// [`Error::Infeasible`] for locks beyond a quota's maximum.
    pub fn compile(&self, call: &Call, eu: &[&City], partners: &[&City]) -> Result<Compiled> {
        let (forbidden, locked) = self.resolve_pairs(eu, partners)?;
        let (row_cap, col_cap) = lock_capacities(&locked, eu, partners)?;
        let quotas = self.quota_groups(call, eu, partners)?;
        let mut locked: Vec<(usize, usize)> = locked.into_iter().map(|(i, j, _)| (i, j)).collect();
        locked.sort_unstable();
        locks_within_quotas(&quotas, &locked)?;
        Ok(Compiled {
            min_score: self.min_score,
            forbidden,
            locked,
            row_cap,
            col_cap,
            quotas,
        })
    }

    /// The forbidden pairs (sorted, without repeats) and the locked pairs `(row, column,
    /// position in the call)` as rows and columns, each pair checked: two eligible cities of
    /// different sides, no pair locked twice, no lock on a forbidden pair.
    fn resolve_pairs(&self, eu: &[&City], partners: &[&City]) -> Result<(Vec<Pair>, Vec<Lock>)> {
        let find = |list: &[&City], id: &str| list.binary_search_by(|c| c.id().cmp(id));
        let resolve = |rule: PairRule, k: usize, a: &str, b: &str| -> Result<(usize, usize)> {
            let at = Location::RulePair {
                rule,
                position: k + 1,
            };
            let side = |id: &str| {
                if let Ok(i) = find(eu, id) {
                    Ok((Side::Eu, i))
                } else if let Ok(j) = find(partners, id) {
                    Ok((Side::Partner, j))
                } else {
                    Err(Error::unknown_city(
                        id,
                        Context::RulePair {
                            rule,
                            position: k + 1,
                        },
                        WhyUnknown::NotEligible,
                    ))
                }
            };
            match (side(a)?, side(b)?) {
                ((Side::Eu, i), (Side::Partner, j)) | ((Side::Partner, j), (Side::Eu, i)) => {
                    Ok((i, j))
                }
                ((s, _), _) => Err(Error::invalid(
                    at,
                    format!(
                        "\"{a}\" and \"{b}\" are both {} cities; a pair joins an EU city and a \
                         partner city",
                        if s == Side::Eu { "EU" } else { "partner" }
                    ),
                )),
            }
        };
        let mut forbidden = Vec::with_capacity(self.forbidden.len());
        for (k, (a, b)) in self.forbidden.iter().enumerate() {
            forbidden.push(resolve(PairRule::Forbidden, k, a, b)?);
        }
        forbidden.sort_unstable();
        forbidden.dedup();
        let mut locked: Vec<(usize, usize, usize)> = Vec::with_capacity(self.locked.len());
        for (k, (a, b)) in self.locked.iter().enumerate() {
            let (i, j) = resolve(PairRule::Locked, k, a, b)?;
            let at = Location::RulePair {
                rule: PairRule::Locked,
                position: k + 1,
            };
            if let Some(&(_, _, first)) = locked.iter().find(|&&(x, y, _)| (x, y) == (i, j)) {
                return Err(Error::invalid(
                    at,
                    format!("the pair is already locked as pair #{}", first + 1),
                ));
            }
            if forbidden.binary_search(&(i, j)).is_ok() {
                let f = self
                    .forbidden
                    .iter()
                    .position(|(x, y)| {
                        (x == eu[i].id() && y == partners[j].id())
                            || (y == eu[i].id() && x == partners[j].id())
                    })
                    .map_or(0, |p| p + 1);
                return Err(Error::invalid(
                    at,
                    format!(
                        "{} - {} is both locked and forbidden (forbidden pair #{f}): a lock \
                         cannot override a forbidden pair",
                        eu[i].id(),
                        partners[j].id()
                    ),
                ));
            }
            locked.push((i, j, k));
        }
        Ok((forbidden, locked))
    }

    /// Resolves the quotas to sides and members.
    fn quota_groups(
        &self,
        call: &Call,
        eu: &[&City],
        partners: &[&City],
    ) -> Result<Vec<QuotaGroup>> {
        let mut out: Vec<QuotaGroup> = Vec::with_capacity(self.quotas.len());
        for (k, quota) in self.quotas.iter().enumerate() {
            let at = Location::Quota {
                position: k + 1,
                field: None,
            };
            let (side, countries) = quota_countries(call, quota, &at)?;
            if let Some(other) = out
                .iter()
                .find(|q| q.side == side && q.countries.iter().any(|c| countries.contains(c)))
            {
                let shared = other
                    .countries
                    .iter()
                    .find(|c| countries.contains(c))
                    .map_or("", Country::as_str);
                return Err(Error::invalid(
                    at,
                    format!(
                        "shares {shared} with quota #{}: quota groups on the same side must not \
                         overlap",
                        other.number
                    ),
                ));
            }
            let cities = if side == Side::Eu { eu } else { partners };
            let members = cities
                .iter()
                .enumerate()
                .filter(|(_, c)| countries.binary_search(&c.country()).is_ok())
                .map(|(x, _)| x)
                .collect();
            out.push(QuotaGroup {
                number: k + 1,
                side,
                countries,
                members,
                min: quota.min,
                max: quota.max,
            });
        }
        Ok(out)
    }
}

/// Each city's capacity (rows, then columns), after checking that no city is locked in more
/// pairs than it has.
fn lock_capacities(
    locked: &[Lock],
    eu: &[&City],
    partners: &[&City],
) -> Result<(Vec<usize>, Vec<usize>)> {
    let row_cap: Vec<usize> = eu.iter().map(|c| c.capacity() as usize).collect();
    let col_cap: Vec<usize> = partners.iter().map(|c| c.capacity() as usize).collect();
    for (caps, cities, side) in [
        (&row_cap, eu, Side::Eu),
        (&col_cap, partners, Side::Partner),
    ] {
        for (x, city) in cities.iter().enumerate() {
            let n = locked
                .iter()
                .filter(|&&(i, j, _)| if side == Side::Eu { i == x } else { j == x })
                .count();
            if n > caps[x] {
                return Err(Error::invalid(
                    Location::call("locked"),
                    format!(
                        "city \"{}\" is locked in {n} pairs but its capacity is {}",
                        city.id(),
                        caps[x]
                    ),
                ));
            }
        }
    }
    Ok((row_cap, col_cap))
}

/// Checks that the locked pairs (sorted) put no quota group above its maximum.
fn locks_within_quotas(quotas: &[QuotaGroup], locked: &[(usize, usize)]) -> Result<()> {
    for q in quotas {
        let n = locked
            .iter()
            .filter(|&&(i, j)| {
                let x = if q.side == Side::Eu { i } else { j };
                q.members.binary_search(&x).is_ok()
            })
            .count();
        if let Some(max) = q.max.filter(|&m| n > m) {
            return Err(Error::infeasible(Infeasibility::QuotaMaximum {
                quota: q.number,
                label: q.label(),
                max,
                locked: n,
            }));
        }
    }
    Ok(())
}

/// A quota's countries (its own and its regions'), all on one side of the call.
fn quota_countries(call: &Call, quota: &Quota, at: &Location) -> Result<(Side, Vec<Country>)> {
    let side_of = |c: Country| {
        if is_eu_member(c, call.date()) {
            Some(Side::Eu)
        } else if call.partner_countries().binary_search(&c).is_ok() {
            Some(Side::Partner)
        } else {
            None
        }
    };
    let mut countries: Vec<(Country, Side)> = Vec::new();
    for &c in &quota.countries {
        let Some(s) = side_of(c) else {
            return Err(Error::invalid(
                at.clone(),
                format!(
                    "{c} is neither an EU member state on {} nor a partner country of the call",
                    call.date()
                ),
            ));
        };
        countries.push((c, s));
    }
    for name in &quota.regions {
        let Some(list) = call.regions().countries(name) else {
            return Err(Error::invalid(
                at.clone(),
                format!("unknown region \"{name}\""),
            ));
        };
        // A region's countries outside the call have no city: they are skipped.
        countries.extend(list.iter().filter_map(|&c| side_of(c).map(|s| (c, s))));
    }
    let Some(&(first, side)) = countries.first() else {
        return Err(Error::invalid(
            at.clone(),
            "none of its countries or regions has a country in this call",
        ));
    };
    if let Some(&(c, _)) = countries.iter().find(|(_, s)| *s != side) {
        return Err(Error::invalid(
            at.clone(),
            format!(
                "mixes sides: {first} is on the {} side and {c} on the {} side; a quota counts \
                 the cities of one side",
                side.as_str(),
                if side == Side::Eu { "partner" } else { "EU" }
            ),
        ));
    }
    let mut list: Vec<Country> = countries.into_iter().map(|(c, _)| c).collect();
    list.sort_unstable();
    list.dedup();
    Ok((side, list))
}

impl Compiled {
    /// Whether any rule is set or any city has a capacity other than 1.
    pub fn is_active(&self) -> bool {
        self.min_score.is_some()
            || !self.forbidden.is_empty()
            || !self.locked.is_empty()
            || !self.quotas.is_empty()
            || self.row_cap.iter().chain(&self.col_cap).any(|&k| k != 1)
    }

    /// Whether pair `(i, j)` may be formed outside a lock (not forbidden, not below the
    /// minimum score).
    pub fn allows(&self, i: usize, j: usize, score: f64) -> bool {
        self.min_score.is_none_or(|m| score >= m) && self.forbidden.binary_search(&(i, j)).is_err()
    }

    /// Whether pair `(i, j)` is locked.
    pub fn is_locked(&self, i: usize, j: usize) -> bool {
        self.locked.binary_search(&(i, j)).is_ok()
    }

    /// The circulation network for these rules on `scores` (`rows x cols`, row-major), with the
    /// locked pairs fixed, every allowed pair costing `pair(score)` and quota lower bounds
    /// rewarded in the first cost component. Pairs with `keep(i, j, score) == false` are
    /// forbidden too (threshold searches).
    pub(crate) fn network(
        &self,
        scores: &[f64],
        pair: impl Fn(f64) -> Lex,
        keep: impl Fn(usize, usize, f64) -> bool,
    ) -> Result<Network<Lex>> {
        let (r, c) = (self.row_cap.len(), self.col_cap.len());
        let costs: Vec<Option<Lex>> = try_collect(
            r * c,
            (0..r * c).map(|k| {
                let (i, j, s) = (k / c, k % c, scores[k]);
                let open = self.is_locked(i, j) || (self.allows(i, j, s) && keep(i, j, s));
                open.then(|| pair(s))
            }),
        )
        .ok_or_else(|| Error::out_of_memory(Buffer::SolverWork, r, c, size_of::<Option<Lex>>()))?;
        let mut row_cap: Vec<i64> = self.row_cap.iter().map(|&k| to_i64(k)).collect();
        let mut col_cap: Vec<i64> = self.col_cap.iter().map(|&k| to_i64(k)).collect();
        let mut groups: Vec<GroupSpec<Lex>> = self
            .quotas
            .iter()
            .map(|q| GroupSpec {
                rows: q.side == Side::Eu,
                members: q.members.clone(),
                min: to_i64(q.min),
                max: q.max.map_or(UNBOUNDED, to_i64),
                reward: Lex([-1, 0, 0]),
            })
            .collect();
        for &(i, j) in &self.locked {
            row_cap[i] -= 1;
            col_cap[j] -= 1;
            for g in &mut groups {
                let x = if g.rows { i } else { j };
                if g.members.binary_search(&x).is_ok() {
                    g.min = (g.min - 1).max(0);
                    if g.max < UNBOUNDED {
                        g.max -= 1;
                    }
                }
            }
        }
        let mut net = Network::new(r, c, costs, &row_cap, &col_cap, &groups)?;
        for &(i, j) in &self.locked {
            net.mark_fixed(i, j);
        }
        Ok(net)
    }

    /// The error for a quota whose minimum the solved network could not meet, if any.
    pub(crate) fn unmet_minimum(
        &self,
        net: &Network<Lex>,
        scores: &[f64],
        eu: &[&City],
        partners: &[&City],
    ) -> Option<Error> {
        let c = self.col_cap.len();
        self.quotas.iter().enumerate().find_map(|(g, q)| {
            let (flow, need) = net.group_lower(g);
            if flow >= need {
                return None;
            }
            let locked = self
                .locked
                .iter()
                .filter(|&&(i, j)| {
                    let x = if q.side == Side::Eu { i } else { j };
                    q.members.binary_search(&x).is_ok()
                })
                .count();
            let formed = usize::try_from(flow).unwrap_or(0) + locked;
            // Hall-type figures: the group's places, and the places of every counterpart one of
            // its cities may be paired with.
            let (caps, other_caps, other_n) = if q.side == Side::Eu {
                (&self.row_cap, &self.col_cap, partners.len())
            } else {
                (&self.col_cap, &self.row_cap, eu.len())
            };
            let places: usize = q.members.iter().map(|&x| caps[x]).sum();
            let reach: Vec<usize> = (0..other_n)
                .filter(|&y| {
                    q.members.iter().any(|&x| {
                        let (i, j) = if q.side == Side::Eu { (x, y) } else { (y, x) };
                        self.is_locked(i, j) || self.allows(i, j, scores[i * c + j])
                    })
                })
                .collect();
            let reach_places: usize = reach.iter().map(|&y| other_caps[y]).sum();
            let shortfall = if places < q.min {
                Shortfall::Places {
                    cities: q.members.len(),
                    places,
                }
            } else if reach_places < q.min {
                let (mine, other) = if q.side == Side::Eu {
                    (eu, partners)
                } else {
                    (partners, eu)
                };
                Shortfall::Reach {
                    side: q.side,
                    cities: q.members.iter().map(|&x| mine[x].id().to_owned()).collect(),
                    reachable: reach.iter().map(|&y| other[y].id().to_owned()).collect(),
                    places: reach_places,
                }
            } else {
                Shortfall::OtherRules
            };
            Some(Error::infeasible(Infeasibility::QuotaMinimum {
                quota: q.number,
                label: q.label(),
                min: q.min,
                formed,
                shortfall,
            }))
        })
    }
}

fn to_i64(x: usize) -> i64 {
    i64::try_from(x).unwrap_or(UNBOUNDED)
}

/// Pairs `(row, col)`, sorted.
pub(crate) type PairList = Vec<(usize, usize)>;

/// Solves the `sum` objective under the rules: pairs `(row, col)` sorted, fixed pairs included.
pub(crate) fn solve_sum(
    rules: &Compiled,
    scores: &[f64],
    eu: &[&City],
    partners: &[&City],
) -> Result<(PairList, Network<Lex>)> {
    let mut net = rules.network(scores, |s| Lex([0, -Lex::fixed(s), -1]), |_, _, _| true)?;
    net.solve_cold();
    if let Some(e) = rules.unmet_minimum(&net, scores, eu, partners) {
        return Err(e);
    }
    Ok((net.pairs(), net))
}

/// The proof of a `maxmin` threshold `t` under rules, as the duals of two pair-count problems
/// (see [`crate::certificate`]): the most unlocked pairs the rules allow (weight 1 per pair),
/// and the most unlocked pairs above `t` (weight 1 above `t`, 0 at or below it), which is fewer.
pub(crate) struct MaxMinDuals {
    /// The duals of the most-pairs problem (pair weights 1).
    pub most: PairingDuals,
    /// The duals of the most-pairs-above-the-threshold problem; `None` without a threshold
    /// (no unlocked pair can be formed, which `most` proves alone).
    pub above: Option<PairingDuals>,
}

/// Solves `maxmin` under the rules: the most pairs, then the highest lowest score among the
/// pairs that are not locked, then the largest total. Returns the pairs, the threshold and,
/// with a threshold, the duals that prove it (`None` when they cannot be read, which only a
/// circulation that is not optimal gives).
pub(crate) fn solve_maxmin(
    rules: &Compiled,
    scores: &[f64],
    eu: &[&City],
    partners: &[&City],
) -> Result<(PairList, Option<f64>, Option<MaxMinDuals>)> {
    let count = |s: f64| Lex([0, -1, -Lex::fixed(s)]);
    let mut most = rules.network(scores, |_| Lex([0, -1, 0]), |_, _, _| true)?;
    most.solve_cold();
    if let Some(e) = rules.unmet_minimum(&most, scores, eu, partners) {
        return Err(e);
    }
    let target = most.used_pairs().len();
    let c = rules.col_cap.len();
    let mut levels: Vec<f64> = try_collect(
        scores.len(),
        (0..scores.len())
            .filter(|&k| {
                let (i, j) = (k / c, k % c);
                !rules.is_locked(i, j) && rules.allows(i, j, scores[k])
            })
            .map(|k| scores[k]),
    )
    .ok_or_else(|| Error::out_of_memory(Buffer::SolverWork, scores.len() / c.max(1), c, 8))?;
    levels.sort_unstable_by(f64::total_cmp);
    levels.dedup();
    if target == 0 || levels.is_empty() {
        let mut net = rules.network(scores, count, |_, _, _| true)?;
        net.solve_cold();
        let duals = most
            .pairing_duals(1.0)
            .map(|most| MaxMinDuals { most, above: None });
        return Ok((net.pairs(), None, duals));
    }
    // The largest level at which `target` free pairs and every quota minimum still fit.
    let reaches = |t: f64| -> Result<bool> {
        let mut net = rules.network(scores, |_| Lex([0, -1, 0]), |_, _, s| s >= t)?;
        net.solve_cold();
        let lower_ok = (0..rules.quotas.len()).all(|g| {
            let (f, need) = net.group_lower(g);
            f >= need
        });
        Ok(lower_ok && net.used_pairs().len() == target)
    };
    let (mut lo, mut hi) = (0, levels.len() - 1);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if reaches(levels[mid])? {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let t = levels[lo];
    let mut net = rules.network(scores, count, |_, _, s| s >= t)?;
    net.solve_cold();
    // The proof: at most `target` pairs in all, and fewer above `t` (pairs at or below it may
    // still serve the quota minimums, at weight 0).
    let mut above = rules.network(scores, |s| Lex([0, -i128::from(s > t), 0]), |_, _, _| true)?;
    above.solve_cold();
    let duals = most
        .pairing_duals(1.0)
        .zip(above.pairing_duals(1.0))
        .map(|(most, above)| MaxMinDuals {
            most,
            above: Some(above),
        });
    Ok((net.pairs(), Some(t), duals))
}

/// The stable pairing under the rules: locked pairs, then the allowed pairs greedily by score
/// (ties: smaller row, then smaller column) while both cities have a place left.
///
/// # Errors
/// [`Error::Unsupported`] ([`Unsupported::StableQuotas`]) when the call has quotas: stability
/// is not defined under them.
pub(crate) fn solve_stable(rules: &Compiled, scores: &[f64]) -> Result<Vec<(usize, usize)>> {
    if !rules.quotas.is_empty() {
        return Err(Error::unsupported(Unsupported::StableQuotas));
    }
    let c = rules.col_cap.len();
    let mut row_left = rules.row_cap.clone();
    let mut col_left = rules.col_cap.clone();
    let mut pairs = rules.locked.clone();
    for &(i, j) in &rules.locked {
        row_left[i] -= 1;
        col_left[j] -= 1;
    }
    let mut order: Vec<usize> = (0..scores.len())
        .filter(|&k| {
            let (i, j) = (k / c, k % c);
            !rules.is_locked(i, j) && rules.allows(i, j, scores[k])
        })
        .collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    for k in order {
        let (i, j) = (k / c, k % c);
        if row_left[i] > 0 && col_left[j] > 0 {
            row_left[i] -= 1;
            col_left[j] -= 1;
            pairs.push((i, j));
        }
    }
    pairs.sort_unstable();
    Ok(pairs)
}

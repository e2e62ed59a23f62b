//! [`Violation`]: the first condition a certificate fails, named, with its cities and numbers.

use std::fmt;

use crate::eligibility::Side;

/// Which dual value a [`Violation::Negative`] names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Dual {
    /// `u` of this EU city.
    Eu(String),
    /// `v` of this partner city.
    Partner(String),
    /// `w` of this pair.
    Pair {
        /// EU city id.
        eu: String,
        /// Partner city id.
        partner: String,
    },
    /// `y_max` of this quota (its number).
    QuotaMax(usize),
    /// `y_min` of this quota (its number).
    QuotaMin(usize),
}

/// Why a listed pair may not be formed ([`Violation::NotAllowed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PairRule {
    /// It is forbidden.
    Forbidden,
    /// It scores below `min_score`.
    BelowMinScore,
    /// It is locked (locked pairs are not listed).
    Locked,
    /// It is listed twice.
    Repeated,
}

/// Which bound of a quota a [`Violation::QuotaSlack`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Bound {
    /// The maximum.
    Max,
    /// The minimum.
    Min,
}

/// The first condition a certificate (or a solution with its certificate) fails, with the
/// cities and the numbers involved. See the [module documentation](crate::certificate) for the conditions.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Violation {
    /// There is no certificate to check (a `maxmin` or `stable` solution).
    Missing,
    /// The parts do not fit together: `what` has `found` where `expected` was needed.
    Malformed {
        /// What does not fit.
        what: &'static str,
        /// The size or index bound needed.
        expected: usize,
        /// What was found.
        found: usize,
    },
    /// The solution and its certificate disagree on a pair: it is in the solution but not
    /// in the certificate (`in_solution`), or the other way round. A locked pair missing
    /// from the solution is reported with `in_solution: false`.
    PairingMismatch {
        /// EU city id.
        eu: String,
        /// Partner city id.
        partner: String,
        /// Whether the pair is in the solution.
        in_solution: bool,
    },
    /// A solution's pair score differs from the scores checked against.
    ScoreMismatch {
        /// EU city id.
        eu: String,
        /// Partner city id.
        partner: String,
        /// The score in the solution.
        reported: f64,
        /// The score in the scores checked against.
        actual: f64,
    },
    /// A solution's `total_score` is not the sum of its pair scores.
    ReportedTotal {
        /// The solution's total.
        reported: f64,
        /// The sum of its pairs' scores.
        actual: f64,
    },
    /// A listed pair may not be formed.
    NotAllowed {
        /// EU city id.
        eu: String,
        /// Partner city id.
        partner: String,
        /// Its score.
        score: f64,
        /// The rule it breaks.
        rule: PairRule,
    },
    /// A city is in more pairs than its capacity allows (locked pairs included).
    OverCapacity {
        /// The city's side.
        side: Side,
        /// Its id.
        id: String,
        /// Its capacity.
        capacity: usize,
        /// Its pairs.
        pairs: usize,
    },
    /// A quota holds too few or too many pairs (locked pairs included), or its locked pairs
    /// alone exceed its maximum.
    QuotaBounds {
        /// The quota's number.
        quota: usize,
        /// Its pairs.
        pairs: usize,
        /// Its minimum.
        min: usize,
        /// Its maximum.
        max: Option<usize>,
    },
    /// A dual value is negative (`u, v, w, y_max, y_min >= 0`).
    Negative {
        /// Which value.
        dual: Dual,
        /// Its value.
        value: f64,
    },
    /// An allowed pair that is not paired is not covered: `u_i + v_j + y_g(i) + y_h(j) < s_ij`.
    Uncovered {
        /// EU city id.
        eu: String,
        /// Partner city id.
        partner: String,
        /// Its score.
        score: f64,
        /// `u_i + v_j + y_g(i) + y_h(j)`.
        cover: f64,
    },
    /// A paired pair is not tight: `u_i + v_j + y_g(i) + y_h(j) + w_ij != s_ij`.
    NotTight {
        /// EU city id.
        eu: String,
        /// Partner city id.
        partner: String,
        /// Its score.
        score: f64,
        /// `u_i + v_j + y_g(i) + y_h(j) + w_ij`.
        sum: f64,
    },
    /// A city with unused places has a positive dual.
    UnusedCapacity {
        /// The city's side.
        side: Side,
        /// Its id.
        id: String,
        /// Its places (capacity less locked pairs).
        places: usize,
        /// Its unlocked pairs.
        pairs: usize,
        /// Its `u` or `v`.
        dual: f64,
    },
    /// A quota's dual is positive while the group does not reach that bound (or has none).
    QuotaSlack {
        /// The quota's number.
        quota: usize,
        /// Which bound.
        bound: Bound,
        /// The bound after locks (`None`: no maximum).
        limit: Option<usize>,
        /// The group's unlocked pairs.
        pairs: usize,
        /// The dual.
        dual: f64,
    },
    /// `maxmin`: the pairs above the threshold are not proved too few: the pairing of the
    /// proof `above` has `above` of them, not fewer than the `pairs` the rules allow.
    ThresholdNotProved {
        /// The threshold.
        threshold: f64,
        /// The most unlocked pairs the rules allow.
        pairs: usize,
        /// The unlocked pairs above the threshold in the proof's pairing.
        above: usize,
    },
    /// `maxmin`: the solution has `pairs` unlocked pairs, not the `most` the rules allow.
    PairCount {
        /// The solution's unlocked pairs.
        pairs: usize,
        /// The most the rules allow.
        most: usize,
    },
    /// `maxmin`: an unlocked pair scores below the threshold, or none scores at it.
    Threshold {
        /// EU city id of the lowest unlocked pair (empty without pairs).
        eu: String,
        /// Its partner city id.
        partner: String,
        /// Its score.
        score: f64,
        /// The threshold.
        threshold: f64,
    },
    /// The dual objective differs from the total of the unlocked pairs.
    Totals {
        /// `Σ c' u + Σ c' v + Σ w + Σ (max' y_max - min' y_min)`.
        dual: f64,
        /// The total of the paired, unlocked pairs.
        primal: f64,
    },
}

impl Violation {
    /// The condition that failed, in words (stable: tests and tools may match on it).
    pub fn condition(&self) -> &'static str {
        match self {
            Violation::Missing => "a certificate is present",
            Violation::Malformed { .. } => "the certificate's parts fit together",
            Violation::PairingMismatch { .. } => "the certificate lists the solution's pairs",
            Violation::ScoreMismatch { .. } => "the solution's scores are the matrix's",
            Violation::ReportedTotal { .. } => "the solution's total is the sum of its scores",
            Violation::NotAllowed { .. } => "every listed pair is allowed",
            Violation::OverCapacity { .. } => "pairs within capacities",
            Violation::QuotaBounds { .. } => "pairs within quota bounds",
            Violation::Negative { .. } => "u, v, w, y >= 0",
            Violation::Uncovered { .. } => "u_i + v_j >= s_ij on an allowed unpaired pair",
            Violation::NotTight { .. } => "u_i + v_j + w_ij = s_ij on a paired pair",
            Violation::UnusedCapacity { .. } => "u_i = 0 for a city with unused capacity",
            Violation::QuotaSlack { .. } => "a quota's dual is 0 unless its bound is reached",
            Violation::ThresholdNotProved { .. } => {
                "fewer pairs fit above the threshold than the rules allow"
            }
            Violation::PairCount { .. } => "maxmin has as many pairs as the rules allow",
            Violation::Threshold { .. } => "the lowest unlocked score is the threshold",
            Violation::Totals { .. } => "the dual objective equals the total",
        }
    }
}

impl fmt::Display for Violation {
    #[allow(clippy::too_many_lines)] // one arm per variant: the messages read best side by side
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "certificate fails \"{}\": ", self.condition())?;
        match self {
            Violation::Missing => write!(f, "only sum results carry a certificate"),
            Violation::Malformed {
                what,
                expected,
                found,
            } => write!(f, "{what}: {found} where {expected} was needed"),
            Violation::PairingMismatch {
                eu,
                partner,
                in_solution,
            } => {
                if *in_solution {
                    write!(f, "{eu} - {partner} is paired but not in the certificate")
                } else {
                    write!(f, "{eu} - {partner} is in the certificate but not paired")
                }
            }
            Violation::ScoreMismatch {
                eu,
                partner,
                reported,
                actual,
            } => write!(
                f,
                "{eu} - {partner} reports score {reported}, the scores say {actual}"
            ),
            Violation::ReportedTotal { reported, actual } => {
                write!(f, "total_score {reported}, the pairs sum to {actual}")
            }
            Violation::NotAllowed {
                eu,
                partner,
                score,
                rule,
            } => {
                let why = match rule {
                    PairRule::Forbidden => "forbidden",
                    PairRule::BelowMinScore => "below min_score",
                    PairRule::Locked => "locked (locked pairs are not listed)",
                    PairRule::Repeated => "listed twice",
                };
                write!(f, "{eu} - {partner} (score {score}) is {why}")
            }
            Violation::OverCapacity {
                side,
                id,
                capacity,
                pairs,
            } => write!(f, "{side} city {id} has {pairs} pairs, capacity {capacity}"),
            Violation::QuotaBounds {
                quota,
                pairs,
                min,
                max,
            } => match max {
                Some(m) => write!(f, "quota #{quota} holds {pairs} pairs, bounds {min}..={m}"),
                None => write!(f, "quota #{quota} holds {pairs} pairs, minimum {min}"),
            },
            Violation::Negative { dual, value } => match dual {
                Dual::Eu(id) => write!(f, "u of {id} is {value}"),
                Dual::Partner(id) => write!(f, "v of {id} is {value}"),
                Dual::Pair { eu, partner } => write!(f, "w of {eu} - {partner} is {value}"),
                Dual::QuotaMax(q) => write!(f, "y_max of quota #{q} is {value}"),
                Dual::QuotaMin(q) => write!(f, "y_min of quota #{q} is {value}"),
            },
            Violation::Uncovered {
                eu,
                partner,
                score,
                cover,
            } => write!(
                f,
                "{eu} - {partner} scores {score} but u + v (+ y) is only {cover}"
            ),
            Violation::NotTight {
                eu,
                partner,
                score,
                sum,
            } => write!(
                f,
                "{eu} - {partner} scores {score} but u + v (+ y) + w is {sum}"
            ),
            Violation::UnusedCapacity {
                side,
                id,
                places,
                pairs,
                dual,
            } => write!(
                f,
                "{side} city {id} uses {pairs} of {places} places but its dual is {dual}"
            ),
            Violation::QuotaSlack {
                quota,
                bound,
                limit,
                pairs,
                dual,
            } => {
                let name = match bound {
                    Bound::Max => "y_max",
                    Bound::Min => "y_min",
                };
                match limit {
                    Some(l) => write!(
                        f,
                        "quota #{quota} holds {pairs} unlocked pairs, not its bound {l}, but \
                         {name} is {dual}"
                    ),
                    None => write!(f, "quota #{quota} has no maximum but {name} is {dual}"),
                }
            }
            Violation::ThresholdNotProved {
                threshold,
                pairs,
                above,
            } => write!(
                f,
                "{above} unlocked pairs above {threshold} fit, not fewer than the {pairs} the \
                 rules allow"
            ),
            Violation::PairCount { pairs, most } => {
                write!(f, "{pairs} unlocked pairs, the rules allow {most}")
            }
            Violation::Threshold {
                eu,
                partner,
                score,
                threshold,
            } => write!(
                f,
                "the lowest unlocked pair {eu} - {partner} scores {score}, the threshold is \
                 {threshold}"
            ),
            Violation::Totals { dual, primal } => write!(
                f,
                "the dual objective is {dual}, the unlocked pairs total {primal}"
            ),
        }
    }
}

impl std::error::Error for Violation {}

//! The proof of a `maxmin` result under rules: two certificates of pair counts (see the
//! [module documentation](super#maxmin-under-rules)).

use super::{Certificate, DualPair, Scores, Violation};

/// The proof of a `maxmin` result under rules (see the
/// [module documentation](crate::certificate#maxmin-under-rules)): two certificates of the same problem with
/// other pair weights.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MaxMinCertificate {
    /// The threshold: the solution's lowest unlocked score.
    pub threshold: f64,
    /// A pairing with the most unlocked pairs the rules allow, and its dual for pair weights
    /// 1: no pairing has more.
    pub most_pairs: Certificate,
    /// A pairing with the most unlocked pairs scoring above the threshold, and its dual for
    /// pair weights `1` above the threshold and `0` at or below it: no pairing that keeps the
    /// rules has more, and it has fewer than `most_pairs`.
    pub above: Certificate,
}

impl MaxMinCertificate {
    /// The most unlocked pairs the rules allow.
    pub fn pairs(&self) -> usize {
        self.most_pairs.pairs.len()
    }

    /// The most unlocked pairs above the threshold that a pairing keeping the rules can have
    /// (fewer than [`MaxMinCertificate::pairs`]).
    pub fn above_threshold<S: Scores + ?Sized>(&self, scores: &S) -> usize {
        self.above
            .pairs
            .iter()
            .filter(|p| scores.score(p.eu, p.partner) > self.threshold)
            .count()
    }

    /// Checks both certificates against `scores` (with their weights: 1 for every pair, then 1
    /// above the threshold and 0 at or below it) and that fewer pairs fit above the threshold
    /// than the rules allow: then no pairing with as many pairs has a higher lowest score.
    ///
    /// # Errors
    /// The first [`Violation`].
    pub fn verify<S: Scores + ?Sized>(&self, scores: &S) -> Result<(), Violation> {
        let (a, b) = (&self.most_pairs, &self.above);
        let same = a.eu == b.eu
            && a.partners == b.partners
            && a.eu_capacity == b.eu_capacity
            && a.partner_capacity == b.partner_capacity
            && a.forbidden == b.forbidden
            && a.min_score.map(f64::to_bits) == b.min_score.map(f64::to_bits)
            && a.locked == b.locked
            && a.quotas.len() == b.quotas.len()
            && a.quotas.iter().zip(&b.quotas).all(|(x, y)| {
                (x.number, x.side, &x.members, x.min, x.max)
                    == (y.number, y.side, &y.members, y.min, y.max)
            });
        if !same {
            return Err(Violation::Malformed {
                what: "the maxmin proofs' conditions differ",
                expected: 0,
                found: 1,
            });
        }
        a.verify_weighted(scores, &|_| 1.0)?;
        let t = self.threshold;
        b.verify_weighted(scores, &|s| if s > t { 1.0 } else { 0.0 })?;
        let above = self.above_threshold(scores);
        if above >= self.pairs() {
            return Err(Violation::ThresholdNotProved {
                threshold: t,
                pairs: self.pairs(),
                above,
            });
        }
        Ok(())
    }

    /// [`MaxMinCertificate::verify`], then that the solution's pairs (`(EU id, partner id,
    /// score)`, locked pairs included) keep the rules, include every locked pair, number as
    /// many unlocked pairs as the rules allow, and have the threshold as their lowest unlocked
    /// score.
    pub(crate) fn verify_solution<'p, S: Scores + ?Sized>(
        &self,
        pairs: impl Iterator<Item = (&'p str, &'p str, f64)>,
        scores: &S,
    ) -> Result<(), Violation> {
        self.verify(scores)?;
        let c = &self.most_pairs;
        let (mut listed, _) = c.solution_pairs(pairs, scores)?;
        listed.sort_unstable();
        let locked = c.locks_paired(&listed)?;
        // The solution's unlocked pairs in a copy of the conditions: they keep the rules.
        let mut probe = c.clone();
        probe.pairs = listed
            .iter()
            .filter(|l| locked.binary_search(l).is_err())
            .map(|&(eu, partner)| DualPair {
                eu,
                partner,
                w: 0.0,
            })
            .collect();
        let (row_places, col_places) = probe.places()?;
        probe.check_pairs(scores, &row_places, &col_places)?;
        if probe.pairs.len() != self.pairs() {
            return Err(Violation::PairCount {
                pairs: probe.pairs.len(),
                most: self.pairs(),
            });
        }
        let lowest = probe
            .pairs
            .iter()
            .map(|p| (scores.score(p.eu, p.partner), p.eu, p.partner))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match lowest {
            Some((s, i, j)) if s.to_bits() != self.threshold.to_bits() => {
                Err(Violation::Threshold {
                    eu: c.eu[i].clone(),
                    partner: c.partners[j].clone(),
                    score: s,
                    threshold: self.threshold,
                })
            }
            None => Err(Violation::Threshold {
                eu: String::new(),
                partner: String::new(),
                score: f64::NAN,
                threshold: self.threshold,
            }),
            _ => Ok(()),
        }
    }
}

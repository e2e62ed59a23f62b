//! Where each pair stands in its two cities' lists: the rank of the partner city among every
//! eligible partner for the EU city, and the rank of the EU city among every eligible EU city
//! for the partner (IUC's cards show "how good a match is this for each side").

#[cfg(feature = "serde")]
use serde::Serialize;

use super::{Engine, Pairing, Solution};
use crate::error::{Context, Result};
use crate::scoring::PreparedCity;

/// The two ranks of one pair ([`Pairing::ranks`]). A rank is 1 plus the number of
/// counterparts that score strictly higher with the city, so tied counterparts share a rank
/// and rank 1 is a best counterpart.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct PairRanks {
    /// The EU city's id.
    pub eu: String,
    /// The partner city's id.
    pub partner: String,
    /// The partner's rank in the EU city's list (of [`Pairing::partner_cities`]).
    pub partner_rank: usize,
    /// The EU city's rank in the partner's list (of [`Pairing::eu_cities`]).
    pub eu_rank: usize,
}

impl Pairing<'_> {
    /// The ranks of every pair of `solution` (a solution of this pairing), in its order.
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// use citypair::{io, Objective, Pairing};
    /// let dataset = io::embedded_dataset()?;
    /// let pairing = Pairing::new(&dataset)?;
    /// let best = pairing.solve(Objective::Sum)?;
    /// let ranks = pairing.ranks(&best)?;
    /// assert_eq!(ranks.len(), best.pairs.len());
    /// assert!(ranks.iter().all(|r| r.partner_rank >= 1 && r.eu_rank >= 1));
    /// # }
    /// # Ok::<(), citypair::Error>(())
    /// ```
    ///
    /// `O(pairs · (E + P))`: one row and one column of the score matrix per pair (dense mode),
    /// or the same scores computed on the spot (candidate mode, which holds no matrix), in
    /// parallel with the `rayon` feature. Deterministic: exact comparisons of the scores every
    /// objective uses.
    ///
    /// # Errors
    /// [`crate::Error::UnknownCity`] when a pair of `solution` is not a pair of eligible cities
    /// of this pairing.
    pub fn ranks(&self, solution: &Solution) -> Result<Vec<PairRanks>> {
        let positions = solution
            .pairs
            .iter()
            .map(|p| self.position(&p.eu, &p.partner, &Context::Ranks))
            .collect::<Result<Vec<(usize, usize)>>>()?;
        let prepared = match self.engine {
            Engine::Dense => None,
            Engine::Candidates { .. } => Some((
                self.eu_cities().map(PreparedCity::new).collect::<Vec<_>>(),
                self.partner_cities()
                    .map(PreparedCity::new)
                    .collect::<Vec<_>>(),
            )),
        };
        let (rows, cols) = (self.eligibility.eu.len(), self.eligibility.partners.len());
        let score = |i: usize, j: usize| match &prepared {
            None => self.matrix.get(i, j),
            Some((eu, partners)) => self.scorer.score_prepared(&eu[i], &partners[j]),
        };
        let rank = |&(i, j): &(usize, usize)| {
            let s = score(i, j);
            let partner_rank = 1 + (0..cols).filter(|&k| score(i, k) > s).count();
            let eu_rank = 1 + (0..rows).filter(|&k| score(k, j) > s).count();
            (partner_rank, eu_rank)
        };
        #[cfg(feature = "rayon")]
        let found: Vec<(usize, usize)> = {
            use rayon::prelude::*;
            positions.par_iter().map(rank).collect()
        };
        #[cfg(not(feature = "rayon"))]
        let found: Vec<(usize, usize)> = positions.iter().map(rank).collect();
        Ok(solution
            .pairs
            .iter()
            .zip(found)
            .map(|(p, (partner_rank, eu_rank))| PairRanks {
                eu: p.eu.clone(),
                partner: p.partner.clone(),
                partner_rank,
                eu_rank,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Call, City, Date, Profile, Theme};
    use crate::{Dataset, Objective, Pairing};

    fn city(id: &str, country: &str, theme: (Theme, f64), population: u64) -> City {
        City::builder(id, id, country.parse().expect("code"), population)
            .challenges(Profile::from_pairs([theme]).expect("profile"))
            .build()
            .expect("city")
    }

    fn dataset() -> Dataset {
        let call = Call::builder("ranks", Date::new(2017, 9, 21).expect("date"))
            .partner_countries(["BR".parse().expect("code")])
            .build()
            .expect("call");
        Dataset::new(
            call,
            vec![
                city("a", "FR", (Theme::AirQuality, 0.9), 400_000),
                city("b", "DE", (Theme::AirQuality, 0.8), 500_000),
                city("c", "IT", (Theme::UrbanMobility, 0.7), 300_000),
                city("x", "BR", (Theme::AirQuality, 0.9), 450_000),
                city("y", "BR", (Theme::UrbanMobility, 0.9), 350_000),
            ],
        )
        .expect("dataset")
    }

    /// The ranks, counted by brute force over `Pairing::score`.
    fn brute(pairing: &Pairing<'_>, eu: &str, partner: &str) -> (usize, usize) {
        let s = pairing.score(eu, partner).expect("score");
        let partner_rank = 1 + pairing
            .partner_cities()
            .filter(|c| pairing.score(eu, c.id()).expect("score") > s)
            .count();
        let eu_rank = 1 + pairing
            .eu_cities()
            .filter(|c| pairing.score(c.id(), partner).expect("score") > s)
            .count();
        (partner_rank, eu_rank)
    }

    #[test]
    fn ranks_match_brute_force_in_both_modes() {
        let d = dataset();
        for pairing in [
            Pairing::builder(&d).dense().build().expect("dense"),
            Pairing::builder(&d)
                .candidates(1)
                .build()
                .expect("candidates"),
        ] {
            let best = pairing.solve(Objective::Sum).expect("solve");
            let ranks = pairing.ranks(&best).expect("ranks");
            assert_eq!(ranks.len(), 2);
            for r in &ranks {
                assert_eq!(
                    (r.partner_rank, r.eu_rank),
                    brute(&pairing, &r.eu, &r.partner)
                );
            }
            // Every city on the smaller side gets one of its counterparts: some pair is a
            // first choice of its EU city.
            assert!(ranks.iter().any(|r| r.partner_rank == 1));
        }
    }

    #[test]
    fn a_pair_of_another_pairing_is_an_error() {
        let d = dataset();
        let pairing = Pairing::new(&d).expect("pairing");
        let mut best = pairing.solve(Objective::Sum).expect("solve");
        best.pairs[0].partner = "nowhere".into();
        let e = pairing.ranks(&best).expect_err("unknown city");
        assert!(e.to_string().contains("nowhere"), "{e}");
    }
}

//! Building a certificate from the solvers' duals: the circulation's (`new`, under rules and in
//! the what-ifs) and an assignment's potentials (`from_assignment`, dense and candidate mode).

use super::{Certificate, DualPair, QuotaDual};
use crate::rules::Compiled;

impl Certificate {
    /// Assembles a certificate (crate-internal: the solvers' results are turned into one by
    /// the pairing code). `rules` gives the conditions; `u`, `v` per city, `pairs` the paired
    /// unlocked pairs `(row, col, w)` and `y` per quota of `rules` (`y_max - y_min`).
    pub(crate) fn new(
        (eu, partners): (Vec<String>, Vec<String>),
        rules: &Compiled,
        (u, v): (Vec<f64>, Vec<f64>),
        pairs: Vec<(usize, usize, f64)>,
        y: &[f64],
    ) -> Certificate {
        // `x + 0.0` turns a negated zero into 0 (so that JSON shows `0.0`, not `-0.0`).
        let (u, v) = (
            u.into_iter().map(|x| x + 0.0).collect(),
            v.into_iter().map(|x| x + 0.0).collect(),
        );
        let mut pairs: Vec<DualPair> = pairs
            .into_iter()
            .map(|(eu, partner, w)| DualPair {
                eu,
                partner,
                w: w + 0.0,
            })
            .collect();
        pairs.sort_by_key(|p| (p.eu, p.partner));
        let quotas = rules
            .quotas
            .iter()
            .enumerate()
            .map(|(g, q)| {
                let y = y.get(g).copied().unwrap_or(0.0);
                QuotaDual {
                    number: q.number,
                    side: q.side,
                    members: q.members.clone(),
                    min: q.min,
                    max: q.max,
                    y_max: y.max(0.0) + 0.0,
                    y_min: (-y).max(0.0) + 0.0,
                }
            })
            .collect();
        Certificate {
            eu,
            partners,
            u,
            v,
            pairs,
            eu_capacity: rules.row_cap.clone(),
            partner_capacity: rules.col_cap.clone(),
            forbidden: rules.forbidden.clone(),
            min_score: rules.min_score,
            locked: rules.locked.clone(),
            quotas,
        }
    }

    /// A certificate from an assignment's potentials in the solver's convention for
    /// maximisation (`U_i + V_j <= -s_ij`, equality on the assigned pairs, the longer side
    /// `<= 0`): `u = -U + t`, `v = -V - t` with `t = max(0, -min(-U))` (see the
    /// [module documentation](crate::certificate#where-the-numbers-come-from)), and `w = max(0, s - u - v)`
    /// on the assigned pairs. For calls without rules (every capacity 1).
    pub(crate) fn from_assignment(
        ids: (Vec<String>, Vec<String>),
        rules: &Compiled,
        (row_pot, col_pot): (&[f64], &[f64]),
        assigned: &[(usize, usize, f64)],
    ) -> Certificate {
        let mut u: Vec<f64> = row_pot.iter().map(|&p| -p).collect();
        let mut v: Vec<f64> = col_pot.iter().map(|&p| -p).collect();
        let t = (-u.iter().copied().fold(f64::INFINITY, f64::min)).max(0.0);
        if t > 0.0 {
            for x in &mut u {
                *x += t;
            }
            for x in &mut v {
                *x -= t;
            }
        }
        let pairs = assigned
            .iter()
            .map(|&(i, j, s)| (i, j, (s - u[i] - v[j]).max(0.0)))
            .collect();
        Certificate::new(ids, rules, (u, v), pairs, &[])
    }
}

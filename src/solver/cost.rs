//! Cost types the solver accepts, and the arithmetic it works in.
//!
//! The solver reads a dense matrix of a [`Cost`] type (`f64`, `f32`, `i64` or `i32`) and works in
//! the cost's [`Cost::Work`] type: `f64` for the float costs, `i64` for the integer ones, so
//! integer problems are solved exactly in integer arithmetic. Forbidden pairs are marked by
//! [`Cost::FORBIDDEN`]-like values: any infinite float (`inf` or `-inf`), or `MIN` / `MAX` of an
//! integer type.

// The per-entry conversions are `#[inline(always)]` on purpose: they sit in the solver's hot
// loops, which are compiled per instruction set and must inline them to vectorise.
#![allow(clippy::inline_always)]

use std::fmt::{Debug, Display};
use std::ops::{Add, Neg, Sub};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl Sealed for f32 {}
    impl Sealed for i64 {}
    impl Sealed for i32 {}
    impl Sealed for i128 {}
}

/// The arithmetic type the solver computes potentials and distances in (`f64` or `i64`).
///
/// This trait is sealed: it cannot be implemented outside citypair.
pub trait Work:
    sealed::Sealed
    + Copy
    + PartialOrd
    + PartialEq
    + Add<Output = Self>
    + Sub<Output = Self>
    + Neg<Output = Self>
    + Send
    + Sync
    + Debug
    + Display
    + 'static
{
    /// Zero.
    const ZERO: Self;
    /// The distance of a forbidden pair: larger than any reachable value.
    const INF: Self;
    /// The least value of the type (`-inf` for `f64`).
    const LOWEST: Self;
    /// The greatest value of the type (`+inf` for `f64`).
    const HIGHEST: Self;
    /// Whether a value stands for "forbidden / unreachable".
    fn is_inf(self) -> bool;
    /// The value as `f64` (for tolerances and reports).
    fn to_f64(self) -> f64;
    /// The value as `i128` (integers only; `f64` returns `None`).
    fn to_i128(self) -> Option<i128>;
    /// The tolerance `verify` allows on reduced costs, given the largest magnitude involved.
    fn tolerance(scale: f64, n: usize) -> f64;
}

impl Work for f64 {
    const ZERO: f64 = 0.0;
    const INF: f64 = f64::INFINITY;
    const LOWEST: f64 = f64::NEG_INFINITY;
    const HIGHEST: f64 = f64::INFINITY;
    #[inline(always)]
    fn is_inf(self) -> bool {
        self == f64::INFINITY
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn to_i128(self) -> Option<i128> {
        None
    }
    fn tolerance(scale: f64, n: usize) -> f64 {
        // Potentials are sums of at most ~2n rounded differences of costs.
        (scale.max(1.0)) * f64::EPSILON * 8.0 * (n as f64 + 1.0)
    }
}

/// Integer forbidden marker inside the solver: far above any value the range check allows, so
/// sums of it with potentials neither overflow nor fall below real values.
const I64_INF: i64 = i64::MAX / 4;

impl Work for i64 {
    const ZERO: i64 = 0;
    const INF: i64 = I64_INF;
    const LOWEST: i64 = i64::MIN;
    const HIGHEST: i64 = i64::MAX;
    #[inline(always)]
    fn is_inf(self) -> bool {
        self >= I64_INF / 2
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn to_i128(self) -> Option<i128> {
        Some(i128::from(self))
    }
    fn tolerance(_scale: f64, _n: usize) -> f64 {
        0.0
    }
}

/// A cost (or score) type the solver accepts: `f64`, `f32`, `i64` or `i32`.
///
/// Forbidden pairs: any infinite float, or the integer type's `MIN` or `MAX`, whichever way the
/// problem is optimised. NaN is rejected with [`crate::Error::NaN`].
///
/// This trait is sealed: it cannot be implemented outside citypair.
pub trait Cost:
    sealed::Sealed + Copy + PartialOrd + Send + Sync + Debug + Display + 'static
{
    /// The type the solver computes in.
    type Work: Work;
    /// The type of the total of an assignment (`f64` for floats, `i64` for `i32`, `i128` for
    /// `i64`, so that a total never overflows).
    type Total: Copy + PartialEq + Debug + Display + Send + Sync + 'static;

    /// The total of no pairs.
    const TOTAL_ZERO: Self::Total;

    /// Whether this entry marks a forbidden pair.
    fn is_forbidden(self) -> bool;

    /// A value that marks a forbidden pair (`+inf`, or the integer type's `MAX`).
    fn forbidden() -> Self;

    /// Whether this entry is NaN (never true for integers).
    fn is_nan(self) -> bool;

    /// Whether this entry is NaN or forbidden (branch-free for floats: the solver's first pass
    /// over the matrix tests every entry with it).
    #[inline(always)]
    fn is_special(self) -> bool {
        self.is_nan() | self.is_forbidden()
    }

    /// The entry in work arithmetic, negated when maximising; forbidden entries become
    /// [`Work::INF`].
    fn to_work<const MAX: bool>(self) -> Self::Work;

    /// Adds this (allowed) entry to a running total.
    fn add_to(self, total: Self::Total) -> Self::Total;

    /// The largest span `max - min` of allowed entries that the solver can handle exactly for a
    /// problem with `n` assigned pairs, or `None` when there is no limit (floats).
    fn span_limit(n: usize) -> Option<i128>;

    /// The entry as `i128` (integers only; floats return `None`).
    fn as_i128(self) -> Option<i128>;
}

macro_rules! float_cost {
    ($t:ty) => {
        impl Cost for $t {
            type Work = f64;
            type Total = f64;
            const TOTAL_ZERO: f64 = 0.0;
            #[inline(always)]
            fn is_forbidden(self) -> bool {
                self.is_infinite()
            }
            fn forbidden() -> Self {
                <$t>::INFINITY
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            #[inline(always)]
            fn is_special(self) -> bool {
                // One branch-free test (`abs < inf`): true for NaN and both infinities.
                !<$t>::is_finite(self)
            }
            #[inline(always)]
            fn to_work<const MAX: bool>(self) -> f64 {
                let x = f64::from(self);
                if x.is_infinite() {
                    f64::INFINITY
                } else if MAX {
                    -x
                } else {
                    x
                }
            }
            fn add_to(self, total: f64) -> f64 {
                total + f64::from(self)
            }
            fn span_limit(_n: usize) -> Option<i128> {
                None
            }
            fn as_i128(self) -> Option<i128> {
                None
            }
        }
    };
}

float_cost!(f64);
float_cost!(f32);

/// Largest span of integer costs for `n` pairs: potentials and path lengths stay below
/// `(2n + 2) * span` in magnitude, which must stay well under the work type's infinity.
fn int_span_limit(n: usize) -> i128 {
    i128::from(I64_INF / 8) / (2 * n as i128 + 2)
}

/// Largest magnitude `max(|min|, |max|)` of integer costs for `n` pairs whose span is `span`
/// (at most [`int_span_limit`]): the solver works on the entries as they are, so potentials
/// and path lengths stay within `magnitude + (2n + 2) * span`, which must stay as far under
/// the work type's infinity as the span alone must.
pub(crate) fn int_magnitude_limit(n: usize, span: i128) -> i128 {
    let k = 2 * n as i128 + 2;
    (int_span_limit(n) - span) * k
}

/// An integer cost type `$t`, worked in `i64`, totals in `$total`; `MIN` and `MAX` are forbidden.
macro_rules! int_cost {
    ($t:ty, $total:ty) => {
        impl Cost for $t {
            type Work = i64;
            type Total = $total;
            const TOTAL_ZERO: $total = 0;
            #[inline(always)]
            fn is_forbidden(self) -> bool {
                self == <$t>::MAX || self == <$t>::MIN
            }
            fn forbidden() -> Self {
                <$t>::MAX
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                false
            }
            #[inline(always)]
            fn to_work<const MAX: bool>(self) -> i64 {
                if self.is_forbidden() {
                    I64_INF
                } else if MAX {
                    -i64::from(self)
                } else {
                    i64::from(self)
                }
            }
            fn add_to(self, total: $total) -> $total {
                total + <$total>::from(self)
            }
            fn span_limit(n: usize) -> Option<i128> {
                Some(int_span_limit(n))
            }
            fn as_i128(self) -> Option<i128> {
                Some(i128::from(self))
            }
        }
    };
}

int_cost!(i64, i128);
int_cost!(i32, i64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_markers_map_to_infinity_both_ways() {
        assert!(f64::INFINITY.to_work::<false>().is_inf());
        assert!(f64::NEG_INFINITY.to_work::<true>().is_inf());
        assert!(f64::NEG_INFINITY.to_work::<false>().is_inf());
        assert!(i64::MAX.to_work::<true>().is_inf());
        assert!(i32::MIN.to_work::<false>().is_inf());
        assert_eq!(3.5f64.to_work::<true>(), -3.5);
        assert_eq!(7i32.to_work::<true>(), -7i64);
    }

    #[test]
    fn magnitude_limit_leaves_the_same_headroom() {
        for n in [1, 2, 1000, 1 << 20] {
            let lim = int_span_limit(n);
            for span in [0, 1, lim / 2, lim] {
                let k = 2 * n as i128 + 2;
                assert!(int_magnitude_limit(n, span) + k * span <= i128::from(I64_INF / 8));
                assert!(int_magnitude_limit(n, span) >= 0);
            }
        }
        // Entries of up to 10^14 in magnitude fit a 1000 x 1000 problem of small span.
        assert!(int_magnitude_limit(1000, 100) > 100_000_000_000_000);
    }

    #[test]
    fn span_limit_leaves_headroom() {
        let n = 10_000;
        let lim = int_span_limit(n);
        // (2n + 2) * lim stays far below the work infinity.
        assert!((2 * n as i128 + 2) * lim <= i128::from(I64_INF / 8));
    }
}

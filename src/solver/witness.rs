//! Hall witnesses: why the lines of one side cannot all be assigned.
//!
//! Hall's theorem: the lines of one side can all be assigned exactly when every set of them can
//! use at least as many lines of the other side. A set that can use fewer is a [`HallWitness`],
//! a proof of infeasibility that anyone can check ([`HallWitness::holds`]).

/// A Hall violator: the `lines` (of one side) can only be assigned to the `reach` (of the other
/// side), and there are fewer of those (`reach.len() < lines.len()`), so no assignment covers
/// every line of `lines`.
///
/// The solvers give it over matrix indices, `HallWitness<usize>` (the default), where the lines
/// are of the smaller side (rows, or columns of a tall matrix) and `side` is `()`:
/// [`solve_bottleneck`](super::solve_bottleneck)'s proof that no stricter threshold is feasible
/// and [`SparseAssignment::deficiency`](super::SparseAssignment::deficiency). A `maxmin`
/// [`Solution`](crate::Solution) gives it over city ids, with the [`Side`](crate::eligibility::Side)
/// of its `lines` ([`HallWitness::to_ids`]; its JSON form is
/// `{"side": ..., "cities": [lines], "reachable": [reach]}`).
///
/// ```
/// use citypair::solver::HallWitness;
///
/// // Rows 0 and 1 can only use column 2.
/// let allowed = [[false, false, true], [false, false, true], [true, true, true]];
/// let w = HallWitness::new(vec![0, 1], vec![2]);
/// assert!(w.holds(3, 3, |row, col| allowed[row][col]));
/// let named = w.to_ids("rows", |i| format!("r{i}"), |j| format!("c{j}"));
/// assert_eq!(named.side, "rows");
/// assert_eq!(named.lines, ["r0", "r1"]);
/// assert_eq!(named.reach, ["c2"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HallWitness<T = usize, S = ()> {
    /// The side of `lines`: `()` over matrix indices (the smaller side), the cities' side over
    /// ids.
    pub side: S,
    /// The lines that cannot all be assigned.
    pub lines: Vec<T>,
    /// Every line of the other side they can use.
    pub reach: Vec<T>,
}

impl HallWitness {
    /// A witness over matrix indices: `lines` (of the smaller side) can only use `reach`.
    pub fn new(lines: Vec<usize>, reach: Vec<usize>) -> HallWitness {
        HallWitness {
            side: (),
            lines,
            reach,
        }
    }

    /// The same witness over ids: `side` names the side of the lines, `line_id(k)` is the id of
    /// line `k`, `reach_id(l)` that of line `l` of the other side.
    pub fn to_ids<U, S>(
        &self,
        side: S,
        line_id: impl Fn(usize) -> U,
        reach_id: impl Fn(usize) -> U,
    ) -> HallWitness<U, S> {
        HallWitness {
            side,
            lines: self.lines.iter().map(|&k| line_id(k)).collect(),
            reach: self.reach.iter().map(|&l| reach_id(l)).collect(),
        }
    }

    /// Whether the witness proves that `lines` cannot all be assigned, on a side of `smaller`
    /// lines facing `other` lines where `usable(line, other line)` says which pairs may be
    /// used: its lines are distinct and in range, its reach distinct and fewer than its lines,
    /// and every usable pair of a line leads into the reach. `O(lines * other)`.
    pub fn holds(
        &self,
        smaller: usize,
        other: usize,
        usable: impl Fn(usize, usize) -> bool,
    ) -> bool {
        let mut lines = self.lines.clone();
        lines.sort_unstable();
        lines.dedup();
        let mut reach = self.reach.clone();
        reach.sort_unstable();
        reach.dedup();
        lines.len() == self.lines.len()
            && reach.len() == self.reach.len()
            && reach.len() < lines.len()
            && lines.iter().all(|&x| x < smaller)
            && lines
                .iter()
                .all(|&x| (0..other).all(|y| !usable(x, y) || reach.binary_search(&y).is_ok()))
    }
}

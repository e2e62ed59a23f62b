//! Maximum cardinality bipartite matching (Hopcroft and Karp, 1973) on a dense graph stored as
//! one bit set per left vertex, used by the bottleneck search.
//!
//! With bit sets, a breadth-first or depth-first phase visits each right vertex once and scans
//! the adjacency 64 columns at a time: a phase costs `O(n m / 64 + n + m)`, and Hopcroft-Karp
//! needs `O(sqrt(n))` phases (far fewer when warm-started from a near-maximum matching).

/// "No vertex".
const NONE: usize = usize::MAX;

/// A dense bipartite graph: bit `j` of row `i` is set when left vertex `i` may be matched with
/// right vertex `j`.
#[derive(Debug, Clone)]
pub(crate) struct BitGraph {
    n: usize,
    m: usize,
    words: usize,
    bits: Vec<u64>,
}

impl BitGraph {
    pub(crate) fn new(n: usize, m: usize) -> Self {
        let words = m.div_ceil(64);
        BitGraph {
            n,
            m,
            words,
            bits: vec![0; n * words],
        }
    }

    /// Rebuilds the graph: edge `(i, j)` exists when `edge(row_i, j)` is true, where `row_i` is
    /// row `i` of the `n x m` row-major `values`.
    pub(crate) fn fill<T: Copy>(&mut self, values: &[T], edge: impl Fn(T) -> bool) {
        let (m, words) = (self.m, self.words);
        for (row, out) in values
            .chunks_exact(m)
            .zip(self.bits.chunks_exact_mut(words))
        {
            for (chunk, word) in row.chunks(64).zip(out.iter_mut()) {
                let mut w = 0u64;
                for (b, &x) in chunk.iter().enumerate() {
                    w |= u64::from(edge(x)) << b;
                }
                *word = w;
            }
        }
    }

    /// Adds edge `(i, j)`.
    pub(crate) fn insert(&mut self, i: usize, j: usize) {
        self.bits[i * self.words + j / 64] |= 1 << (j % 64);
    }

    fn row(&self, i: usize) -> &[u64] {
        &self.bits[i * self.words..(i + 1) * self.words]
    }

    fn has(&self, i: usize, j: usize) -> bool {
        self.bits[i * self.words + j / 64] >> (j % 64) & 1 == 1
    }
}

/// A matching, warm-startable: `left[i]` is the right vertex of `i` (or `NONE`), `right[j]` the
/// left vertex of `j`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Matching {
    pub(crate) left: Vec<usize>,
    pub(crate) right: Vec<usize>,
}

impl Matching {
    pub(crate) fn empty(n: usize, m: usize) -> Self {
        Matching {
            left: vec![NONE; n],
            right: vec![NONE; m],
        }
    }

    pub(crate) fn size(&self) -> usize {
        self.left.iter().filter(|&&j| j != NONE).count()
    }
}

/// Iterates the set bits of `word & mask` as column indices of word `w`.
fn bits(word: u64, w: usize) -> impl Iterator<Item = usize> {
    let mut x = word;
    std::iter::from_fn(move || {
        if x == 0 {
            None
        } else {
            let b = x.trailing_zeros() as usize;
            x &= x - 1;
            Some(w * 64 + b)
        }
    })
}

/// Grows `mate` (which must use edges of `g` only; edges no longer in `g` are dropped first) to
/// a maximum matching of `g`, and returns its size.
pub(crate) fn maximum_matching(g: &BitGraph, mate: &mut Matching) -> usize {
    greedy_start(g, mate);
    let n = g.n;
    let mut dist = vec![NONE; n];
    let mut queue = Vec::with_capacity(n);
    let mut seen = vec![0u64; g.words];
    // Depth-first frames: (row, next word to load, bits of the current word still to try).
    let mut stack: Vec<(usize, usize, u64)> = Vec::new();
    let mut path: Vec<usize> = Vec::new();
    // Hopcroft-Karp phases: layer, then augment along the layers.
    while layer(g, mate, &mut dist, &mut queue, &mut seen) {
        let before = mate.size();
        augment_along_layers(g, mate, &mut dist, &mut seen, (&mut stack, &mut path));
        if mate.size() == before {
            // Cannot happen (a phase that found a free column augments), but never loop.
            break;
        }
    }
    mate.size()
}

/// Drops the matched pairs that are no longer edges of `g`, then lets each free row take its
/// first free neighbour.
fn greedy_start(g: &BitGraph, mate: &mut Matching) {
    let (n, m) = (g.n, g.m);
    for i in 0..n {
        let j = mate.left[i];
        if j != NONE && !g.has(i, j) {
            mate.left[i] = NONE;
            mate.right[j] = NONE;
        }
    }
    // Greedy: each free row takes its first free neighbour.
    let mut free_cols = vec![0u64; g.words];
    for j in 0..m {
        if mate.right[j] == NONE {
            free_cols[j / 64] |= 1 << (j % 64);
        }
    }
    for i in 0..n {
        if mate.left[i] != NONE {
            continue;
        }
        let found = g
            .row(i)
            .iter()
            .zip(&free_cols)
            .enumerate()
            .find_map(|(w, (&a, &f))| bits(a & f, w).next());
        if let Some(j) = found {
            mate.left[i] = j;
            mate.right[j] = i;
            free_cols[j / 64] &= !(1 << (j % 64));
        }
    }
}

/// Breadth-first layering from the free rows: `dist` of each row reached along alternating
/// paths. Whether a free column was reached (an augmenting path exists).
fn layer(
    g: &BitGraph,
    mate: &Matching,
    dist: &mut [usize],
    queue: &mut Vec<usize>,
    seen: &mut [u64],
) -> bool {
    // Breadth-first layering from the free rows.
    queue.clear();
    for (i, d) in dist.iter_mut().enumerate() {
        if mate.left[i] == NONE {
            *d = 0;
            queue.push(i);
        } else {
            *d = NONE;
        }
    }
    seen.fill(0);
    let mut found = false;
    let mut head = 0;
    while head < queue.len() {
        let i = queue[head];
        head += 1;
        for (w, (&a, s)) in g.row(i).iter().zip(seen.iter_mut()).enumerate() {
            let fresh = a & !*s;
            *s |= fresh;
            for j in bits(fresh, w) {
                let k = mate.right[j];
                if k == NONE {
                    found = true;
                } else if dist[k] == NONE {
                    dist[k] = dist[i] + 1;
                    queue.push(k);
                }
            }
        }
    }
    found
}

/// Depth-first augmentation along the layers of `dist` from every free row; each column is
/// tried once per phase. `stack` and `path` are working memory.
fn augment_along_layers(
    g: &BitGraph,
    mate: &mut Matching,
    dist: &mut [usize],
    seen: &mut [u64],
    (stack, path): (&mut Vec<(usize, usize, u64)>, &mut Vec<usize>),
) {
    let n = g.n;
    // Depth-first augmentation along the layers; each column is tried once per phase.
    seen.fill(0);
    for root in 0..n {
        if mate.left[root] != NONE {
            continue;
        }
        stack.clear();
        path.clear();
        stack.push((root, 0, 0));
        'dfs: while let Some(&mut (i, ref mut w, ref mut x)) = stack.last_mut() {
            loop {
                if *x == 0 {
                    if *w == g.words {
                        break;
                    }
                    *x = g.row(i)[*w] & !seen[*w];
                    *w += 1;
                    continue;
                }
                let j = (*w - 1) * 64 + x.trailing_zeros() as usize;
                *x &= *x - 1;
                if seen[j / 64] >> (j % 64) & 1 == 1 {
                    continue;
                }
                let k = mate.right[j];
                if k == NONE {
                    seen[j / 64] |= 1 << (j % 64);
                    path.push(j);
                    for (&(r, _, _), &c) in stack.iter().zip(path.iter()) {
                        mate.left[r] = c;
                        mate.right[c] = r;
                    }
                    break 'dfs;
                }
                // Only edges along the layers count; a column is spent once tried there.
                if dist[k] == dist[i] + 1 {
                    seen[j / 64] |= 1 << (j % 64);
                    path.push(j);
                    stack.push((k, 0, 0));
                    continue 'dfs;
                }
            }
            // Dead end.
            dist[i] = NONE;
            stack.pop();
            path.pop();
        }
    }
}

/// After [`maximum_matching`] left rows free: the rows reachable from free rows by alternating
/// paths, and the columns they reach. Every reached column is matched to a reached row, so
/// there are fewer columns than rows: a Hall violator.
pub(crate) fn hall_violator(g: &BitGraph, mate: &Matching) -> (Vec<usize>, Vec<usize>) {
    // The layering of a phase reaches exactly these rows (a distance) and columns (seen).
    let mut dist = vec![NONE; g.n];
    let mut queue = Vec::with_capacity(g.n);
    let mut seen = vec![0u64; g.words];
    layer(g, mate, &mut dist, &mut queue, &mut seen);
    let rows = (0..g.n).filter(|&i| dist[i] != NONE).collect();
    let cols = (0..g.m)
        .filter(|&j| seen[j / 64] >> (j % 64) & 1 == 1)
        .collect();
    (rows, cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(n: usize, m: usize, edges: &[(usize, usize)]) -> BitGraph {
        let mut v = vec![false; n * m];
        for &(i, j) in edges {
            v[i * m + j] = true;
        }
        let mut g = BitGraph::new(n, m);
        g.fill(&v, |x| x);
        g
    }

    #[test]
    fn finds_a_perfect_matching_that_greedy_misses() {
        // Greedy gives 0-0 and leaves 1 stuck; augmenting fixes it.
        let g = graph(2, 2, &[(0, 0), (0, 1), (1, 0)]);
        let mut mate = Matching::empty(2, 2);
        assert_eq!(maximum_matching(&g, &mut mate), 2);
        assert_eq!(mate.left, vec![1, 0]);
    }

    #[test]
    fn hall_violator_when_deficient() {
        let g = graph(3, 3, &[(0, 0), (1, 0), (2, 1), (2, 2)]);
        let mut mate = Matching::empty(3, 3);
        assert_eq!(maximum_matching(&g, &mut mate), 2);
        let (rows, cols) = hall_violator(&g, &mate);
        assert_eq!(rows, vec![0, 1]);
        assert_eq!(cols, vec![0]);
    }

    /// Maximum matching size by brute force.
    fn brute(n: usize, m: usize, v: &[bool], i: usize, used: &mut [bool]) -> usize {
        if i == n {
            return 0;
        }
        let mut best = brute(n, m, v, i + 1, used);
        for j in 0..m {
            if v[i * m + j] && !used[j] {
                used[j] = true;
                best = best.max(1 + brute(n, m, v, i + 1, used));
                used[j] = false;
            }
        }
        best
    }

    #[test]
    fn random_graphs_against_brute_force() {
        let mut s = 12345u64;
        let mut next = || {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            s >> 33
        };
        for _ in 0..3000 {
            let n = next() as usize % 7 + 1;
            let m = n + next() as usize % 3;
            let density = next() % 4 + 1;
            let v: Vec<bool> = (0..n * m).map(|_| next() % 5 < density).collect();
            let mut g = BitGraph::new(n, m);
            g.fill(&v, |x| x);
            let mut mate = Matching::empty(n, m);
            let size = maximum_matching(&g, &mut mate);
            assert_eq!(
                size,
                brute(n, m, &v, 0, &mut vec![false; m]),
                "{n}x{m} {v:?}"
            );
            for (i, &j) in mate.left.iter().enumerate() {
                if j != NONE {
                    assert!(v[i * m + j] && mate.right[j] == i);
                }
            }
            if size < n {
                let (rows, cols) = hall_violator(&g, &mate);
                assert!(cols.len() < rows.len());
            }
        }
    }

    #[test]
    fn wide_rows_past_one_word() {
        let n = 70;
        let edges: Vec<(usize, usize)> = (0..n).map(|i| (i, (i * 7 + 3) % 130)).collect();
        let g = graph(n, 130, &edges);
        let mut mate = Matching::empty(n, 130);
        assert_eq!(maximum_matching(&g, &mut mate), n);
    }
}

//! Great-circle arcs between two cities, sampled for drawing and split where they cross
//! the antimeridian (so that no segment runs across the whole map).
//!
//! Linear in the number of samples; deterministic (pure `f64` arithmetic).

/// Samples the shorter great circle from `a` to `b` (`(lon, lat)` in degrees) at
/// `segments + 1` evenly spaced points (`segments` at least 1), and splits it into parts
/// wherever consecutive points jump by more than 180° of longitude. Both ends are exact;
/// antipodal or identical ends give the straight interpolation of the two.
///
/// ```
/// use citypair::report::great_circle::great_circle;
/// let parts = great_circle((0.0, 0.0), (90.0, 0.0), 2);
/// assert_eq!(parts.len(), 1);
/// assert!((parts[0][1].0 - 45.0).abs() < 1e-9);
/// ```
#[must_use]
pub fn great_circle(a: (f64, f64), b: (f64, f64), segments: usize) -> Vec<Vec<(f64, f64)>> {
    let segments = segments.max(1);
    let pa = unit(a);
    let pb = unit(b);
    let dot = (pa[0] * pb[0] + pa[1] * pb[1] + pa[2] * pb[2]).clamp(-1.0, 1.0);
    let omega = dot.acos();
    let sin_omega = omega.sin();
    let mut parts: Vec<Vec<(f64, f64)>> = vec![Vec::with_capacity(segments + 1)];
    let mut last_lon: Option<f64> = None;
    for k in 0..=segments {
        #[allow(clippy::cast_precision_loss)]
        let t = k as f64 / segments as f64;
        let p = if k == 0 {
            a
        } else if k == segments {
            b
        } else if sin_omega.abs() < 1e-12 {
            (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
        } else {
            let wa = ((1.0 - t) * omega).sin() / sin_omega;
            let wb = (t * omega).sin() / sin_omega;
            let v = [
                wa * pa[0] + wb * pb[0],
                wa * pa[1] + wb * pb[1],
                wa * pa[2] + wb * pb[2],
            ];
            (
                v[1].atan2(v[0]).to_degrees(),
                v[2].clamp(-1.0, 1.0).asin().to_degrees(),
            )
        };
        if let Some(prev) = last_lon {
            if (p.0 - prev).abs() > 180.0 {
                parts.push(Vec::new());
            }
        }
        last_lon = Some(p.0);
        if let Some(part) = parts.last_mut() {
            part.push(p);
        }
    }
    parts
}

fn unit((lon, lat): (f64, f64)) -> [f64; 3] {
    let (lon, lat) = (lon.to_radians(), lat.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_exact_and_meridian_midpoint() {
        let parts = great_circle((10.0, -20.0), (10.0, 40.0), 6);
        assert_eq!(parts.len(), 1);
        let p = &parts[0];
        assert_eq!(p.len(), 7);
        assert_eq!(p[0], (10.0, -20.0));
        assert_eq!(p[6], (10.0, 40.0));
        assert!((p[3].0 - 10.0).abs() < 1e-9 && (p[3].1 - 10.0).abs() < 1e-9);
    }

    #[test]
    fn splits_at_antimeridian() {
        // Tokyo-ish to Los Angeles-ish crosses 180°.
        let parts = great_circle((140.0, 35.0), (-118.0, 34.0), 32);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].iter().all(|p| p.0 > 0.0));
        assert!(parts[1].iter().all(|p| p.0 < 0.0));
        assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), 33);
        // Great circle between northern points bulges north of both ends.
        assert!(parts.iter().flatten().any(|p| p.1 > 40.0));
    }
}

//! The Equal Earth map projection (Šavrič, Patterson and Jenny, 2018), an equal-area
//! pseudocylindrical projection, written from its published formulas.
//!
//! [`equal_earth`] maps a longitude and latitude in degrees to unitless plane coordinates:
//! `x` in about `[-2.7066, 2.7066]`, `y` in about `[-1.3174, 1.3174]`, north up (`y` grows
//! northwards). Constant time per point and deterministic (pure `f64` arithmetic).

const A1: f64 = 1.340_264;
const A2: f64 = -0.081_106;
const A3: f64 = 0.000_893;
const A4: f64 = 0.003_796;

/// Half the width of the Equal Earth plane (`x` of longitude 180° on the equator).
pub const MAX_X: f64 = 2.706_629_983_696_074;
/// Half the height of the Equal Earth plane (`y` of the north pole).
pub const MAX_Y: f64 = 1.317_362_759_157_413;

/// Projects `(lon, lat)` in degrees to Equal Earth `(x, y)`; latitudes are clamped to
/// `[-90, 90]`, longitudes are used as given (pass them in `[-180, 180]`).
///
/// ```
/// use citypair::report::projection::equal_earth;
/// let (x, y) = equal_earth(0.0, 0.0);
/// assert!(x.abs() < 1e-12 && y.abs() < 1e-12);
/// ```
#[must_use]
pub fn equal_earth(lon: f64, lat: f64) -> (f64, f64) {
    let lambda = lon.to_radians();
    let phi = lat.clamp(-90.0, 90.0).to_radians();
    let m = 3f64.sqrt() / 2.0;
    let theta = (m * phi.sin()).asin();
    let t2 = theta * theta;
    let t6 = t2 * t2 * t2;
    let y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
    let x = 2.0 * 3f64.sqrt() * lambda * theta.cos()
        / (3.0 * (A1 + 3.0 * A2 * t2 + t6 * (7.0 * A3 + 9.0 * A4 * t2)));
    (x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_extremes() {
        let (x, y) = equal_earth(180.0, 0.0);
        assert!((x - MAX_X).abs() < 1e-9, "x {x}");
        assert!(y.abs() < 1e-12);
        let (x, y) = equal_earth(0.0, 90.0);
        assert!(x.abs() < 1e-12);
        assert!((y - MAX_Y).abs() < 1e-9, "y {y}");
        // Published properties: width to height about 2.05, pole line about 0.59 of the
        // equator.
        assert!((MAX_X / MAX_Y - 2.05).abs() < 0.01);
        let (x, _) = equal_earth(180.0, 90.0);
        assert!((x / MAX_X - 0.59).abs() < 0.01, "x {x}");
    }

    #[test]
    fn symmetric_and_monotone() {
        let (x1, y1) = equal_earth(30.0, 45.0);
        let (x2, y2) = equal_earth(-30.0, -45.0);
        assert!((x1 + x2).abs() < 1e-12 && (y1 + y2).abs() < 1e-12);
        let mut last = -f64::INFINITY;
        for lat in -90..=90 {
            let (_, y) = equal_earth(10.0, f64::from(lat));
            assert!(y > last);
            last = y;
        }
    }
}

//! Decoding of the vendored Natural Earth 110m country outlines (`world-atlas@2.0.2`,
//! `assets/world-atlas/countries-110m.json`, ISC): `TopoJSON` with a quantized,
//! delta-encoded arc table, stitched into one list of rings per country.
//!
//! Linear in the size of the file; deterministic (countries in file order).

use serde_json::Value;

/// One country's outline: its name and numeric ISO id as in the file, and its rings
/// (closed polygons of `(lon, lat)` in degrees; outer rings and holes alike).
#[derive(Clone, Debug, PartialEq)]
pub struct Country {
    /// The country's name (`properties.name`).
    pub name: String,
    /// The ISO 3166-1 numeric id, where the file has one.
    pub id: Option<String>,
    /// Closed rings of `(lon, lat)` degrees.
    pub rings: Vec<Vec<(f64, f64)>>,
}

const COUNTRIES_110M: &str = include_str!("../../assets/world-atlas/countries-110m.json");

/// The 177 countries of the vendored Natural Earth 110m file, in file order.
#[must_use]
pub fn countries_110m() -> Vec<Country> {
    // The vendored file is fixed and checked by the tests below, so decoding cannot fail.
    decode(COUNTRIES_110M, "countries").unwrap_or_default()
}

/// Decodes the geometry collection `object` of a `TopoJSON` `text`; `None` if the text is
/// not a `TopoJSON` topology of that shape.
#[must_use]
pub fn decode(text: &str, object: &str) -> Option<Vec<Country>> {
    let topo: Value = serde_json::from_str(text).ok()?;
    let arcs = decode_arcs(&topo)?;
    let geometries = topo
        .get("objects")?
        .get(object)?
        .get("geometries")?
        .as_array()?;
    let mut out = Vec::with_capacity(geometries.len());
    for g in geometries {
        let name = g
            .get("properties")
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let id = g.get("id").and_then(Value::as_str).map(str::to_string);
        let polygons: Vec<&Value> = match g.get("type")?.as_str()? {
            "Polygon" => vec![g.get("arcs")?],
            "MultiPolygon" => g.get("arcs")?.as_array()?.iter().collect(),
            _ => Vec::new(),
        };
        let mut rings = Vec::new();
        for polygon in polygons {
            for ring in polygon.as_array()? {
                rings.push(stitch(&arcs, ring.as_array()?)?);
            }
        }
        out.push(Country { name, id, rings });
    }
    Some(out)
}

/// The arc table in degrees: undoes the delta encoding, then the quantization transform.
fn decode_arcs(topo: &Value) -> Option<Vec<Vec<(f64, f64)>>> {
    let (scale, translate) = match topo.get("transform") {
        Some(t) => (pair(t.get("scale")?)?, pair(t.get("translate")?)?),
        None => ((1.0, 1.0), (0.0, 0.0)),
    };
    let quantized = topo.get("transform").is_some();
    let mut arcs = Vec::new();
    for arc in topo.get("arcs")?.as_array()? {
        let (mut x, mut y) = (0.0, 0.0);
        let mut points = Vec::new();
        for p in arc.as_array()? {
            let (dx, dy) = pair(p)?;
            if quantized {
                x += dx;
                y += dy;
            } else {
                (x, y) = (dx, dy);
            }
            points.push((x * scale.0 + translate.0, y * scale.1 + translate.1));
        }
        arcs.push(points);
    }
    Some(arcs)
}

fn pair(v: &Value) -> Option<(f64, f64)> {
    let a = v.as_array()?;
    Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?))
}

/// Joins the arcs of one ring; a negative index `i` is arc `!i` reversed, and each arc
/// after the first drops its first point (the previous arc's last).
fn stitch(arcs: &[Vec<(f64, f64)>], ring: &[Value]) -> Option<Vec<(f64, f64)>> {
    let mut points: Vec<(f64, f64)> = Vec::new();
    for index in ring {
        let i = index.as_i64()?;
        let (k, reversed) = if i < 0 { (!i, true) } else { (i, false) };
        let arc = arcs.get(usize::try_from(k).ok()?)?;
        let start = usize::from(!points.is_empty());
        if reversed {
            points.extend(arc.iter().rev().skip(start));
        } else {
            points.extend(arc.iter().skip(start));
        }
    }
    Some(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_topology_with_reversed_arc() {
        let text = r#"{"type":"Topology","transform":{"scale":[0.5,2],"translate":[10,20]},
            "arcs":[[[0,0],[2,0],[0,1]],[[0,0],[2,1]]],
            "objects":{"c":{"type":"GeometryCollection","geometries":[
              {"type":"Polygon","arcs":[[0,-2]],"id":"1","properties":{"name":"A"}}]}}}"#;
        let c = decode(text, "c").expect("valid topology");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].name, "A");
        assert_eq!(c[0].id.as_deref(), Some("1"));
        // Arc 0: (0,0),(2,0),(2,1); arc 1 (0,0),(2,1) reversed, its first point dropped.
        assert_eq!(
            c[0].rings,
            vec![vec![(10.0, 20.0), (11.0, 20.0), (11.0, 22.0), (10.0, 20.0)]]
        );
    }

    #[test]
    fn vendored_countries_decode_to_closed_rings() {
        let countries = countries_110m();
        assert_eq!(countries.len(), 177);
        for c in &countries {
            assert!(!c.rings.is_empty(), "{}", c.name);
            for r in &c.rings {
                let (a, b) = (r[0], r[r.len() - 1]);
                assert!(
                    (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9,
                    "{}",
                    c.name
                );
                for &(lon, lat) in r {
                    assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
                }
            }
        }
        assert!(countries.iter().any(|c| c.name == "France"));
    }

    #[test]
    fn malformed_is_none() {
        assert!(decode("{}", "countries").is_none());
        assert!(decode("not json", "countries").is_none());
    }
}

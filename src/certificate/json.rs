//! The JSON form (`pair --json`), written by hand so that ids are keys in the rows' order and
//! pairs name their cities.

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use super::{Certificate, MaxMinCertificate};
use crate::eligibility::Side;

/// A map of ids to numbers, in the given order.
struct IdMap<'a, T>(&'a [String], &'a [T]);

impl<T: Serialize> Serialize for IdMap<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (id, x) in self.0.iter().zip(self.1) {
            map.serialize_entry(id, x)?;
        }
        map.end()
    }
}

/// Pairs of indices as `[[EU id, partner id], ...]`.
struct IdPairs<'a>(&'a Certificate, &'a [(usize, usize)]);

impl Serialize for IdPairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        serializer.collect_seq(
            self.1
                .iter()
                .map(|&(i, j)| [c.eu[i].as_str(), c.partners[j].as_str()]),
        )
    }
}

/// The listed pairs as `[{"eu", "partner", "w"}, ...]`.
struct Pairs<'a>(&'a Certificate);

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Entry<'e> {
            eu: &'e str,
            partner: &'e str,
            w: f64,
        }
        let c = self.0;
        serializer.collect_seq(c.pairs.iter().map(|p| Entry {
            eu: &c.eu[p.eu],
            partner: &c.partners[p.partner],
            w: p.w,
        }))
    }
}

/// Capacities as `{"eu": {ID: c}, "partner": {ID: c}}`.
struct Capacities<'a>(&'a Certificate);

impl Serialize for Capacities<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("eu", &IdMap(&c.eu, &c.eu_capacity))?;
        map.serialize_entry("partner", &IdMap(&c.partners, &c.partner_capacity))?;
        map.end()
    }
}

/// The quotas with their members by id.
struct Quotas<'a>(&'a Certificate);

impl Serialize for Quotas<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Entry<'e> {
            number: usize,
            side: Side,
            members: Vec<&'e str>,
            min: usize,
            max: Option<usize>,
            y_max: f64,
            y_min: f64,
        }
        let c = self.0;
        serializer.collect_seq(c.quotas.iter().map(|q| {
            let ids = if q.side == Side::Eu {
                &c.eu
            } else {
                &c.partners
            };
            Entry {
                number: q.number,
                side: q.side,
                members: q.members.iter().map(|&m| ids[m].as_str()).collect(),
                min: q.min,
                max: q.max,
                y_max: q.y_max,
                y_min: q.y_min,
            }
        }))
    }
}

impl Serialize for Certificate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Certificate", 8)?;
        s.serialize_field("eu", &IdMap(&self.eu, &self.u))?;
        s.serialize_field("partner", &IdMap(&self.partners, &self.v))?;
        s.serialize_field("pairs", &Pairs(self))?;
        s.serialize_field("capacities", &Capacities(self))?;
        s.serialize_field("forbidden", &IdPairs(self, &self.forbidden))?;
        s.serialize_field("min_score", &self.min_score)?;
        s.serialize_field("locked", &IdPairs(self, &self.locked))?;
        s.serialize_field("quotas", &Quotas(self))?;
        s.end()
    }
}

impl Serialize for MaxMinCertificate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("MaxMinCertificate", 4)?;
        s.serialize_field("threshold", &self.threshold)?;
        s.serialize_field("pairs", &self.pairs())?;
        s.serialize_field("most_pairs", &self.most_pairs)?;
        s.serialize_field("above", &self.above)?;
        s.end()
    }
}

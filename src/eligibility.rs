//! Who may take part in a call: EU membership on the call's date, partner countries and the
//! population threshold.
//!
//! # Rules
//!
//! [`classify`] puts every city of a [`Dataset`] on one side or excludes it, in this order:
//!
//! 1. A city whose country was an EU member state on the call's `date` is on the **EU side**,
//!    even when that country is also listed in `partner_countries` (a member state is never a
//!    partner country of an EU programme; listing it there by mistake does not move its cities).
//!    If its population is below the call's `min_population`, it is **excluded** with a reason
//!    that states both numbers.
//! 2. Otherwise a city whose country is in `partner_countries` is on the **partner side**.
//!    Partner cities have no population minimum.
//! 3. Anything else is **excluded**, with a reason that names the rule, the country and the
//!    date (and, for a former or future member state, its membership period).
//!
//! The result lists cities by index into [`Dataset::cities`], sorted by city id, so that it never
//! depends on the order of the input.
//!
//! # EU member states
//!
//! Membership runs from the accession date through the last day of membership (inclusive). The
//! six founders are counted from 1958-01-01, when the Treaty of Rome took effect.
//!
//! | Countries                                      | Member from | Member through |
//! |------------------------------------------------|-------------|----------------|
//! | BE, DE, FR, IT, LU, NL                         | 1958-01-01  |                |
//! | DK, IE                                         | 1973-01-01  |                |
//! | GB (United Kingdom)                            | 1973-01-01  | 2020-01-31     |
//! | GR                                             | 1981-01-01  |                |
//! | ES, PT                                         | 1986-01-01  |                |
//! | AT, FI, SE                                     | 1995-01-01  |                |
//! | CY, CZ, EE, HU, LT, LV, MT, PL, SI, SK         | 2004-05-01  |                |
//! | BG, RO                                         | 2007-01-01  |                |
//! | HR                                             | 2013-07-01  |                |
//!
//! Country codes are ISO 3166-1 alpha-2 (`GR` for Greece and `GB` for the United Kingdom, not
//! the EU's own abbreviations `EL` and `UK`).

use std::fmt;

#[cfg(feature = "serde")]
use serde::Serialize;

use crate::model::{Country, Dataset, Date};

/// One row of the membership table: code, first day of membership, last day (if it ended).
struct Membership {
    code: [u8; 2],
    from: Date,
    through: Option<Date>,
}

const fn date(year: i32, month: u8, day: u8) -> Date {
    Date::known(year, month, day)
}

const FOUNDING: Date = date(1958, 1, 1);
const FIRST_ENLARGEMENT: Date = date(1973, 1, 1);
const ENLARGEMENT_1981: Date = date(1981, 1, 1);
const ENLARGEMENT_1986: Date = date(1986, 1, 1);
const ENLARGEMENT_1995: Date = date(1995, 1, 1);
const ENLARGEMENT_2004: Date = date(2004, 5, 1);
const ENLARGEMENT_2007: Date = date(2007, 1, 1);
const ENLARGEMENT_2013: Date = date(2013, 7, 1);
const BREXIT_LAST_DAY: Date = date(2020, 1, 31);

const fn member(code: [u8; 2], from: Date) -> Membership {
    Membership {
        code,
        from,
        through: None,
    }
}

/// Every country that is or was an EU member state, sorted by code.
const MEMBERS: [Membership; 28] = [
    member(*b"AT", ENLARGEMENT_1995),
    member(*b"BE", FOUNDING),
    member(*b"BG", ENLARGEMENT_2007),
    member(*b"CY", ENLARGEMENT_2004),
    member(*b"CZ", ENLARGEMENT_2004),
    member(*b"DE", FOUNDING),
    member(*b"DK", FIRST_ENLARGEMENT),
    member(*b"EE", ENLARGEMENT_2004),
    member(*b"ES", ENLARGEMENT_1986),
    member(*b"FI", ENLARGEMENT_1995),
    member(*b"FR", FOUNDING),
    Membership {
        code: *b"GB",
        from: FIRST_ENLARGEMENT,
        through: Some(BREXIT_LAST_DAY),
    },
    member(*b"GR", ENLARGEMENT_1981),
    member(*b"HR", ENLARGEMENT_2013),
    member(*b"HU", ENLARGEMENT_2004),
    member(*b"IE", FIRST_ENLARGEMENT),
    member(*b"IT", FOUNDING),
    member(*b"LT", ENLARGEMENT_2004),
    member(*b"LU", FOUNDING),
    member(*b"LV", ENLARGEMENT_2004),
    member(*b"MT", ENLARGEMENT_2004),
    member(*b"NL", FOUNDING),
    member(*b"PL", ENLARGEMENT_2004),
    member(*b"PT", ENLARGEMENT_1986),
    member(*b"RO", ENLARGEMENT_2007),
    member(*b"SE", ENLARGEMENT_1995),
    member(*b"SI", ENLARGEMENT_2004),
    member(*b"SK", ENLARGEMENT_2004),
];

/// The 249 officially assigned ISO 3166-1 alpha-2 codes, sorted. Reserved codes (such as `EU`,
/// `UK`, `EL`) and user-assigned ones (such as `XK`) are not included.
const ASSIGNED: [[u8; 2]; 249] = [
    *b"AD", *b"AE", *b"AF", *b"AG", *b"AI", *b"AL", *b"AM", *b"AO", *b"AQ", *b"AR", *b"AS", *b"AT",
    *b"AU", *b"AW", *b"AX", *b"AZ", *b"BA", *b"BB", *b"BD", *b"BE", *b"BF", *b"BG", *b"BH", *b"BI",
    *b"BJ", *b"BL", *b"BM", *b"BN", *b"BO", *b"BQ", *b"BR", *b"BS", *b"BT", *b"BV", *b"BW", *b"BY",
    *b"BZ", *b"CA", *b"CC", *b"CD", *b"CF", *b"CG", *b"CH", *b"CI", *b"CK", *b"CL", *b"CM", *b"CN",
    *b"CO", *b"CR", *b"CU", *b"CV", *b"CW", *b"CX", *b"CY", *b"CZ", *b"DE", *b"DJ", *b"DK", *b"DM",
    *b"DO", *b"DZ", *b"EC", *b"EE", *b"EG", *b"EH", *b"ER", *b"ES", *b"ET", *b"FI", *b"FJ", *b"FK",
    *b"FM", *b"FO", *b"FR", *b"GA", *b"GB", *b"GD", *b"GE", *b"GF", *b"GG", *b"GH", *b"GI", *b"GL",
    *b"GM", *b"GN", *b"GP", *b"GQ", *b"GR", *b"GS", *b"GT", *b"GU", *b"GW", *b"GY", *b"HK", *b"HM",
    *b"HN", *b"HR", *b"HT", *b"HU", *b"ID", *b"IE", *b"IL", *b"IM", *b"IN", *b"IO", *b"IQ", *b"IR",
    *b"IS", *b"IT", *b"JE", *b"JM", *b"JO", *b"JP", *b"KE", *b"KG", *b"KH", *b"KI", *b"KM", *b"KN",
    *b"KP", *b"KR", *b"KW", *b"KY", *b"KZ", *b"LA", *b"LB", *b"LC", *b"LI", *b"LK", *b"LR", *b"LS",
    *b"LT", *b"LU", *b"LV", *b"LY", *b"MA", *b"MC", *b"MD", *b"ME", *b"MF", *b"MG", *b"MH", *b"MK",
    *b"ML", *b"MM", *b"MN", *b"MO", *b"MP", *b"MQ", *b"MR", *b"MS", *b"MT", *b"MU", *b"MV", *b"MW",
    *b"MX", *b"MY", *b"MZ", *b"NA", *b"NC", *b"NE", *b"NF", *b"NG", *b"NI", *b"NL", *b"NO", *b"NP",
    *b"NR", *b"NU", *b"NZ", *b"OM", *b"PA", *b"PE", *b"PF", *b"PG", *b"PH", *b"PK", *b"PL", *b"PM",
    *b"PN", *b"PR", *b"PS", *b"PT", *b"PW", *b"PY", *b"QA", *b"RE", *b"RO", *b"RS", *b"RU", *b"RW",
    *b"SA", *b"SB", *b"SC", *b"SD", *b"SE", *b"SG", *b"SH", *b"SI", *b"SJ", *b"SK", *b"SL", *b"SM",
    *b"SN", *b"SO", *b"SR", *b"SS", *b"ST", *b"SV", *b"SX", *b"SY", *b"SZ", *b"TC", *b"TD", *b"TF",
    *b"TG", *b"TH", *b"TJ", *b"TK", *b"TL", *b"TM", *b"TN", *b"TO", *b"TR", *b"TT", *b"TV", *b"TW",
    *b"TZ", *b"UA", *b"UG", *b"UM", *b"US", *b"UY", *b"UZ", *b"VA", *b"VC", *b"VE", *b"VG", *b"VI",
    *b"VN", *b"VU", *b"WF", *b"WS", *b"YE", *b"YT", *b"ZA", *b"ZM", *b"ZW",
];

fn code_of(country: Country) -> [u8; 2] {
    match country.as_str().as_bytes() {
        [a, b] => [*a, *b],
        _ => [0, 0],
    }
}

fn membership(country: Country) -> Option<&'static Membership> {
    let code = code_of(country);
    MEMBERS
        .binary_search_by(|m| m.code.cmp(&code))
        .ok()
        .and_then(|i| MEMBERS.get(i))
}

/// Whether `country` was an EU member state on the day `on` (see the table in the
/// [module docs](self)).
///
/// ```
/// use citypair::eligibility::is_eu_member;
/// use citypair::model::{Country, Date};
///
/// let gb: Country = "GB".parse()?;
/// assert!(is_eu_member(gb, "2020-01-31".parse()?));
/// assert!(!is_eu_member(gb, "2020-02-01".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn is_eu_member(country: Country, on: Date) -> bool {
    membership(country).is_some_and(|m| m.from <= on && m.through.is_none_or(|last| on <= last))
}

/// Whether `country` is one of the 249 officially assigned ISO 3166-1 alpha-2 codes.
///
/// Exceptionally reserved codes such as `UK` and `EL` (the EU's own abbreviations for the United
/// Kingdom and Greece) and user-assigned codes such as `XK` are not assigned codes.
///
/// ```
/// use citypair::eligibility::is_known_country;
///
/// assert!(is_known_country("PL".parse()?));
/// assert!(!is_known_country("UK".parse()?));
/// # Ok::<(), String>(())
/// ```
pub fn is_known_country(country: Country) -> bool {
    ASSIGNED.binary_search(&code_of(country)).is_ok()
}

/// The side of the pairing a city belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Side {
    /// A city of an EU member state.
    Eu,
    /// A city of one of the call's partner countries.
    Partner,
}

impl Side {
    /// `"eu"` or `"partner"`, as in JSON output.
    pub const fn as_str(self) -> &'static str {
        match self {
            Side::Eu => "eu",
            Side::Partner => "partner",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A city that cannot take part in the call, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct Exclusion {
    /// The city's id.
    pub id: String,
    /// Why it is excluded, in words a coordinator understands, naming the rule.
    pub reason: String,
}

/// The result of [`classify`]: the two sides and the excluded cities.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Eligibility {
    /// Indices into [`Dataset::cities`] of the eligible EU cities, sorted by city id.
    pub eu: Vec<usize>,
    /// Indices into [`Dataset::cities`] of the eligible partner cities, sorted by city id.
    pub partners: Vec<usize>,
    /// The excluded cities, sorted by id.
    pub excluded: Vec<Exclusion>,
}

impl Eligibility {
    /// The side of the city at `index` in [`Dataset::cities`], or `None` when it is excluded
    /// (or out of range). Linear in the number of eligible cities.
    pub fn side_of(&self, index: usize) -> Option<Side> {
        if self.eu.contains(&index) {
            Some(Side::Eu)
        } else if self.partners.contains(&index) {
            Some(Side::Partner)
        } else {
            None
        }
    }
}

/// Sorts the cities of `dataset` into the EU side, the partner side and the excluded, by the
/// rules in the [module docs](self).
///
/// # Complexity
/// O(n·p + n log n) for n cities and p partner countries.
///
/// # Examples
/// ```
/// # #[cfg(feature = "serde")] {
/// use citypair::eligibility::classify;
///
/// let dataset = citypair::io::parse_dataset(r#"{
///   "call": {"name": "demo", "date": "2021-03-01", "partner_countries": ["BR"]},
///   "cities": [
///     {"id": "leeds", "name": "Leeds", "country": "GB", "population": 793139, "challenges": {}},
///     {"id": "lublin", "name": "Lublin", "country": "PL", "population": 339784, "challenges": {}},
///     {"id": "recife", "name": "Recife", "country": "BR", "population": 1653461, "challenges": {}}
///   ]
/// }"#, "<demo>")?;
/// let e = classify(&dataset);
/// assert_eq!(dataset.cities()[e.eu[0]].id(), "lublin");
/// assert_eq!(dataset.cities()[e.partners[0]].id(), "recife");
/// assert!(e.excluded[0].reason.starts_with("GB was not an EU member state on 2021-03-01"));
/// # }
/// # Ok::<(), citypair::Error>(())
/// ```
pub fn classify(dataset: &Dataset) -> Eligibility {
    let call = &dataset.call();
    let mut result = Eligibility::default();
    for (index, city) in dataset.cities().iter().enumerate() {
        if is_eu_member(city.country(), call.date()) {
            if city.population() < call.min_population() {
                result.excluded.push(Exclusion {
                    id: city.id().to_owned(),
                    reason: format!(
                        "population {} is below the call's minimum of {}",
                        city.population(),
                        call.min_population()
                    ),
                });
            } else {
                result.eu.push(index);
            }
        } else if call.partner_countries().contains(&city.country()) {
            result.partners.push(index);
        } else {
            result.excluded.push(Exclusion {
                id: city.id().to_owned(),
                reason: outside_reason(city.country(), call.date(), call.partner_countries()),
            });
        }
    }
    let id = |&i: &usize| dataset.cities().get(i).map(super::model::City::id);
    result.eu.sort_by_key(id);
    result.partners.sort_by_key(id);
    result
        .excluded
        .sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.reason.cmp(&b.reason)));
    result
}

/// Why a city of `country` is on neither side on `date`.
fn outside_reason(country: Country, date: Date, partners: &[Country]) -> String {
    let partner_list = if partners.is_empty() {
        "this call lists no partner countries".to_owned()
    } else {
        let codes: Vec<&str> = partners.iter().map(Country::as_str).collect();
        format!("the call's partner countries are {}", codes.join(", "))
    };
    match membership(country) {
        Some(m) => {
            let period = match m.through {
                Some(last) if date > last => format!("it was one from {} to {last}", m.from),
                _ if date < m.from => format!("it joined on {}", m.from),
                _ => format!("member from {}", m.from),
            };
            format!(
                "{country} was not an EU member state on {date} ({period}) and is not a partner \
                 country of this call ({partner_list})"
            )
        }
        None => format!(
            "{country} is not an EU member state on {date} nor a partner country of this call \
             ({partner_list})"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> Country {
        code.parse().unwrap()
    }

    fn from_code(code: [u8; 2]) -> Country {
        std::str::from_utf8(&code).unwrap().parse().unwrap()
    }

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn tables_are_sorted_and_complete() {
        assert!(ASSIGNED.windows(2).all(|w| w[0] < w[1]));
        assert!(MEMBERS.windows(2).all(|w| w[0].code < w[1].code));
        for m in &MEMBERS {
            assert!(ASSIGNED.binary_search(&m.code).is_ok());
        }
        // 27 member states after Brexit.
        let today = d("2024-01-01");
        let count = MEMBERS
            .iter()
            .filter(|m| is_eu_member(from_code(m.code), today))
            .count();
        assert_eq!(count, 27);
        assert_eq!(
            MEMBERS
                .iter()
                .filter(|m| is_eu_member(from_code(m.code), d("2019-12-31")))
                .count(),
            28
        );
    }

    #[test]
    fn membership_boundaries() {
        assert!(is_eu_member(c("GB"), d("2020-01-31")));
        assert!(!is_eu_member(c("GB"), d("2020-02-01")));
        assert!(!is_eu_member(c("GB"), d("1972-12-31")));
        assert!(!is_eu_member(c("HR"), d("2013-06-30")));
        assert!(is_eu_member(c("HR"), d("2013-07-01")));
        assert!(!is_eu_member(c("PL"), d("2004-04-30")));
        assert!(is_eu_member(c("PL"), d("2004-05-01")));
        assert!(is_eu_member(c("DE"), d("1958-01-01")));
        assert!(!is_eu_member(c("DE"), d("1957-12-31")));
        assert!(!is_eu_member(c("NO"), d("2017-09-21")));
        assert!(!is_eu_member(c("CH"), d("2017-09-21")));
    }

    #[test]
    fn known_countries() {
        for code in ["PL", "GB", "GR", "BR", "US", "SS", "BQ", "ZW", "AD"] {
            assert!(is_known_country(c(code)), "{code}");
        }
        for code in ["UK", "EL", "EU", "XK", "ZZ", "AA", "YU", "AN"] {
            assert!(!is_known_country(c(code)), "{code}");
        }
    }

    #[test]
    fn reasons_name_the_rule() {
        let partners = [c("AR"), c("BR")];
        let r = outside_reason(c("GB"), d("2021-03-01"), &partners);
        assert!(
            r.starts_with("GB was not an EU member state on 2021-03-01"),
            "{r}"
        );
        assert!(r.contains("1973-01-01 to 2020-01-31"), "{r}");
        let r = outside_reason(c("HR"), d("2012-06-01"), &partners);
        assert!(r.contains("joined on 2013-07-01"), "{r}");
        let r = outside_reason(c("CN"), d("2017-09-21"), &partners);
        assert_eq!(
            r,
            "CN is not an EU member state on 2017-09-21 nor a partner country of this call \
             (the call's partner countries are AR, BR)"
        );
        let r = outside_reason(c("CN"), d("2017-09-21"), &[]);
        assert!(r.contains("lists no partner countries"), "{r}");
    }

    #[test]
    fn side_display_and_serialize() {
        assert_eq!(Side::Eu.to_string(), "eu");
        #[cfg(feature = "serde")]
        assert_eq!(
            serde_json::to_string(&Side::Partner).unwrap(),
            "\"partner\""
        );
    }
}

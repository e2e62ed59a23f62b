//! Plain data: themes, challenge profiles, cities, calls and dates. No logic beyond accessors and
//! parsing of the small value types; validation of whole inputs lives in [`crate::io`].

use std::fmt;
use std::str::FromStr;

#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The fifteen challenge themes: the fourteen partnerships of the Urban Agenda for the EU plus
/// water and sanitation, which IUC pairings tagged often.
///
/// The order of [`Theme::ALL`] is the order of profile vectors and of every table that lists
/// themes; it never depends on the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Theme {
    /// Exposure to PM2.5, PM10 and NO2 above WHO/EU limits.
    AirQuality,
    /// Waste, recycling, sustainable production and consumption.
    CircularEconomy,
    /// Heat, flood, drought and sea-level risk.
    ClimateAdaptation,
    /// Digital public services, data, smart-city innovation.
    DigitalTransition,
    /// Decarbonising energy supply, heating and buildings.
    EnergyTransition,
    /// Affordable and adequate housing.
    Housing,
    /// Inclusion of migrants and refugees.
    MigrantInclusion,
    /// Innovative and responsible public procurement.
    PublicProcurement,
    /// Jobs and skills in the local economy.
    JobsAndSkills,
    /// Sustainable use of land and nature-based solutions.
    LandUseAndNature,
    /// Public transport, active modes, congestion.
    UrbanMobility,
    /// Urban poverty and deprived neighbourhoods.
    UrbanPoverty,
    /// Culture and cultural heritage, tourism pressure.
    CulturalHeritage,
    /// Security in public spaces.
    PublicSpaceSecurity,
    /// Water supply, wastewater, drainage and sanitation.
    WaterAndSanitation,
}

impl Theme {
    /// Number of themes.
    pub const COUNT: usize = 15;

    /// Every theme, in the canonical order used by profiles and outputs.
    pub const ALL: [Theme; Theme::COUNT] = [
        Theme::AirQuality,
        Theme::CircularEconomy,
        Theme::ClimateAdaptation,
        Theme::DigitalTransition,
        Theme::EnergyTransition,
        Theme::Housing,
        Theme::MigrantInclusion,
        Theme::PublicProcurement,
        Theme::JobsAndSkills,
        Theme::LandUseAndNature,
        Theme::UrbanMobility,
        Theme::UrbanPoverty,
        Theme::CulturalHeritage,
        Theme::PublicSpaceSecurity,
        Theme::WaterAndSanitation,
    ];

    /// The theme's key in JSON input and output, e.g. `"air_quality"`.
    pub const fn key(self) -> &'static str {
        match self {
            Theme::AirQuality => "air_quality",
            Theme::CircularEconomy => "circular_economy",
            Theme::ClimateAdaptation => "climate_adaptation",
            Theme::DigitalTransition => "digital_transition",
            Theme::EnergyTransition => "energy_transition",
            Theme::Housing => "housing",
            Theme::MigrantInclusion => "migrant_inclusion",
            Theme::PublicProcurement => "public_procurement",
            Theme::JobsAndSkills => "jobs_and_skills",
            Theme::LandUseAndNature => "land_use_and_nature",
            Theme::UrbanMobility => "urban_mobility",
            Theme::UrbanPoverty => "urban_poverty",
            Theme::CulturalHeritage => "cultural_heritage",
            Theme::PublicSpaceSecurity => "public_space_security",
            Theme::WaterAndSanitation => "water_and_sanitation",
        }
    }

    /// The position of this theme in [`Theme::ALL`] and in profile vectors.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Looks a theme up by its JSON key; `None` for an unknown key.
    pub fn from_key(key: &str) -> Option<Theme> {
        Theme::ALL.iter().copied().find(|t| t.key() == key)
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Intensities in `[0, 1]` for each [`Theme`]; a theme not mentioned in the input is `0`.
///
/// Used both for challenges (how pressing a theme is for the city) and for expertise (what the
/// city can teach).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct Profile {
    values: [f64; Theme::COUNT],
}

impl Profile {
    /// A profile from values in [`Theme::ALL`] order.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the theme when a value is outside `[0, 1]` or not a number.
    pub fn new(values: [f64; Theme::COUNT]) -> Result<Profile> {
        for (theme, v) in Theme::ALL.iter().zip(values) {
            check_unit(v).map_err(|m| Error::invalid(format!("theme \"{theme}\""), m))?;
        }
        Ok(Profile { values })
    }

    /// A profile from `(theme, value)` pairs; themes not listed are `0`.
    ///
    /// # Errors
    /// As [`Profile::new`].
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Theme, f64)>) -> Result<Profile> {
        let mut values = [0.0; Theme::COUNT];
        for (t, v) in pairs {
            values[t.index()] = v;
        }
        Profile::new(values)
    }

    /// The value for one theme.
    pub fn get(&self, theme: Theme) -> f64 {
        self.values[theme.index()]
    }

    /// All values, in [`Theme::ALL`] order.
    pub fn values(&self) -> &[f64; Theme::COUNT] {
        &self.values
    }

    /// `(theme, value)` for every theme with a non-zero value, in [`Theme::ALL`] order.
    pub fn nonzero(&self) -> impl Iterator<Item = (Theme, f64)> + '_ {
        Theme::ALL
            .iter()
            .map(|&t| (t, self.values[t.index()]))
            .filter(|&(_, v)| v != 0.0)
    }
}

/// Checks that a value lies in `[0, 1]`; the error message states the value.
pub(crate) fn check_unit(v: f64) -> std::result::Result<(), String> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else if v.is_nan() {
        Err("value is not a number".into())
    } else {
        Err(format!("value {v} is outside [0, 1]"))
    }
}

/// An ISO 3166-1 alpha-2 country code such as `"PL"`, stored upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country([u8; 2]);

impl Country {
    /// The code as text, e.g. `"PL"`.
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII upper-case letters (checked in `from_str`).
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// A code from a two-letter constant known to be valid (for built-in tables); any other
    /// input gives `"??"`-like garbage, never a panic.
    const fn from_code(code: &str) -> Country {
        let b = code.as_bytes();
        if b.len() == 2 {
            Country([b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()])
        } else {
            Country([b'?', b'?'])
        }
    }
}

impl FromStr for Country {
    type Err = String;

    /// Parses two ASCII letters (either case). Whether the code is assigned is checked by
    /// [`crate::eligibility::is_known_country`].
    fn from_str(s: &str) -> std::result::Result<Country, String> {
        match s.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Country([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(format!("\"{s}\" is not an ISO 3166-1 alpha-2 country code")),
        }
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A calendar date (proleptic Gregorian), as in a call's `"date": "2017-09-21"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2017.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31 (checked against the month and leap years).
    pub day: u8,
}

impl Date {
    /// A date from its parts.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the month or day does not exist.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => {
                return Err(Error::invalid(
                    "date",
                    format!("month {month} does not exist"),
                ))
            }
        };
        if day == 0 || day > days {
            return Err(Error::invalid(
                "date",
                format!("day {day} does not exist in {year}-{month:02}"),
            ));
        }
        Ok(Date { year, month, day })
    }
}

impl FromStr for Date {
    type Err = Error;

    /// Parses `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Date> {
        let bad = || {
            Error::invalid(
                "date",
                format!("\"{s}\" is not a date of the form YYYY-MM-DD"),
            )
        };
        let mut parts = s.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let year = y.parse().map_err(|_| bad())?;
        let month = m.parse().map_err(|_| bad())?;
        let day = d.parse().map_err(|_| bad())?;
        Date::new(year, month, day).map_err(|e| match e {
            Error::Invalid { message, .. } => Error::invalid("date", format!("\"{s}\": {message}")),
            other => other,
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(feature = "serde")]
impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One city of a call, EU or partner side alike.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct City {
    /// Unique id within the input, e.g. `"poznan"`.
    pub id: String,
    /// Display name, e.g. `"Poznań"`.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Country,
    /// Inhabitants.
    pub population: u64,
    /// Latitude in degrees, if known.
    pub lat: Option<f64>,
    /// Longitude in degrees, if known.
    pub lon: Option<f64>,
    /// How pressing each theme is for the city.
    pub challenges: Profile,
    /// What the city can teach on each theme (default: nothing).
    pub expertise: Profile,
    /// How many pairs the city may join (default 1).
    pub capacity: u32,
}

/// Weights of the three score components; they need not sum to one (they are normalised).
///
/// Defaults: challenge similarity 0.6, expertise complementarity 0.25, size similarity 0.15.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Weights {
    /// Weight of challenge similarity (IUC's stated pairing key).
    pub challenges: f64,
    /// Weight of expertise complementarity (one city can teach what the other needs).
    pub expertise: f64,
    /// Weight of size similarity (log-population closeness).
    pub size: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            challenges: 0.6,
            expertise: 0.25,
            size: 0.15,
        }
    }
}

/// A call for cities: its name, date, eligibility thresholds and scoring weights.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Call {
    /// Display name, e.g. `"IUC 2017"`.
    pub name: String,
    /// The call's date; EU membership is judged on this day.
    pub date: Date,
    /// EU cities below this population are excluded (default 50,000).
    pub min_population: u64,
    /// Countries whose cities form the partner side, sorted and without repeats.
    pub partner_countries: Vec<Country>,
    /// Scoring weights.
    pub weights: Weights,
    /// Programme rules: minimum score, forbidden and locked pairs, quotas (none by default).
    pub rules: Rules,
    /// The partner regions used by region quotas and the fairness figures.
    pub regions: Regions,
}

/// A call's programme rules (`call.min_score`, `call.forbidden`, `call.locked`, `call.quotas`
/// in the input). The default has no rule. Pairs are `(EU id, partner id)`; ids are checked
/// against the eligible cities when the pairing is built ([`crate::rules`]).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Rules {
    /// No pair scores below it, unless locked.
    pub min_score: Option<f64>,
    /// Pairs that never appear.
    pub forbidden: Vec<(String, String)>,
    /// Pairs that always appear (even below `min_score`).
    pub locked: Vec<(String, String)>,
    /// Limits on the number of pairs with a city in a group of countries.
    pub quotas: Vec<Quota>,
}

impl Rules {
    /// Whether no rule is set.
    pub fn is_empty(&self) -> bool {
        self.min_score.is_none()
            && self.forbidden.is_empty()
            && self.locked.is_empty()
            && self.quotas.is_empty()
    }
}

/// A quota: the number of pairs whose city (on whichever side the group's countries are) lies
/// in `countries` or in one of `regions` is at least `min` and at most `max`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Quota {
    /// Countries of the group.
    pub countries: Vec<Country>,
    /// Partner regions of the group, by name (see [`Regions`]); their countries join the group.
    pub regions: Vec<String>,
    /// Fewest pairs (default 0).
    pub min: usize,
    /// Most pairs (default: no limit).
    pub max: Option<usize>,
}

/// Named groups of partner countries, in reporting order. The default is IUC's regional
/// components ([`Regions::iuc`]); a call's `regions` object overrides the country list of the
/// regions it names (and may add regions), moving the countries it lists out of any other
/// region.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Regions {
    list: Vec<(String, Vec<Country>)>,
}

impl Default for Regions {
    fn default() -> Self {
        Regions::iuc()
    }
}

impl Regions {
    /// Name reported for a country outside every region.
    pub const OTHER: &'static str = "other";

    /// IUC's partner regions: Latin America and Caribbean (IUC-LAC, without Mexico), North
    /// America (United States, Canada and Mexico, as IUC-NA), India, Japan, and China with the
    /// rest of Asia (IUC Asia).
    ///
    /// ```
    /// use citypair::model::Regions;
    /// let r = Regions::iuc();
    /// assert_eq!(r.region_of("MX"), "North America");
    /// assert_eq!(r.region_of("PE"), "Latin America and Caribbean");
    /// assert_eq!(r.region_of("KR"), "China and the rest of Asia");
    /// assert_eq!(r.region_of("FR"), "other");
    /// ```
    pub fn iuc() -> Regions {
        const LAC: &[&str] = &[
            "AG", "AR", "BB", "BO", "BR", "BS", "BZ", "CL", "CO", "CR", "CU", "DM", "DO", "EC",
            "GD", "GT", "GY", "HN", "HT", "JM", "KN", "LC", "NI", "PA", "PE", "PY", "SR", "SV",
            "TT", "UY", "VC", "VE",
        ];
        const ASIA: &[&str] = &[
            "AF", "BD", "BN", "BT", "CN", "HK", "ID", "KH", "KP", "KR", "KZ", "KG", "LA", "LK",
            "MM", "MN", "MO", "MV", "MY", "NP", "PH", "PK", "SG", "TH", "TJ", "TL", "TM", "TW",
            "UZ", "VN",
        ];
        let codes = |list: &[&str]| -> Vec<Country> {
            let mut v: Vec<Country> = list.iter().map(|c| Country::from_code(c)).collect();
            v.sort();
            v
        };
        Regions {
            list: vec![
                ("Latin America and Caribbean".to_owned(), codes(LAC)),
                ("North America".to_owned(), codes(&["US", "CA", "MX"])),
                ("India".to_owned(), codes(&["IN"])),
                ("Japan".to_owned(), codes(&["JP"])),
                ("China and the rest of Asia".to_owned(), codes(ASIA)),
            ],
        }
    }

    /// Sets the countries of region `name` (adding the region at the end if it is new) and
    /// removes those countries from every other region.
    pub fn set(&mut self, name: &str, countries: impl IntoIterator<Item = Country>) {
        let mut countries: Vec<Country> = countries.into_iter().collect();
        countries.sort();
        countries.dedup();
        for (_, list) in &mut self.list {
            list.retain(|c| !countries.contains(c));
        }
        match self.list.iter_mut().find(|(n, _)| n == name) {
            Some((_, list)) => *list = countries,
            None => self.list.push((name.to_owned(), countries)),
        }
    }

    /// The region names, in reporting order.
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.list.iter().map(|(n, _)| n.as_str())
    }

    /// The countries of a region, sorted; `None` for an unknown name.
    pub fn countries(&self, name: &str) -> Option<&[Country]> {
        self.list
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.as_slice())
    }

    /// The region of a country code, or [`Regions::OTHER`].
    pub fn region_of(&self, country: &str) -> &str {
        self.list
            .iter()
            .find(|(_, list)| list.iter().any(|c| c.as_str() == country))
            .map_or(Regions::OTHER, |(n, _)| n.as_str())
    }
}

/// A whole input: one call and its candidate cities, in input order.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Dataset {
    /// The call.
    pub call: Call,
    /// The cities, in the order given (ids unique).
    pub cities: Vec<City>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_keys_round_trip_and_are_in_index_order() {
        for (i, t) in Theme::ALL.iter().enumerate() {
            assert_eq!(t.index(), i);
            assert_eq!(Theme::from_key(t.key()), Some(*t));
        }
        assert_eq!(Theme::from_key("ufo"), None);
    }

    #[test]
    fn dates_parse_and_reject() {
        assert_eq!(
            "2017-09-21".parse::<Date>().unwrap(),
            Date::new(2017, 9, 21).unwrap()
        );
        assert!("2016-02-29".parse::<Date>().is_ok());
        for bad in [
            "2017-02-29",
            "2017-13-01",
            "2017-9-21",
            "21.09.2017",
            "",
            "2017-09-21-1",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
    }

    #[test]
    fn unit_interval_check() {
        assert!(check_unit(0.0).is_ok() && check_unit(1.0).is_ok());
        assert!(check_unit(1.5).unwrap_err().contains("1.5"));
        assert!(check_unit(f64::NAN).is_err());
    }

    #[test]
    fn country_codes() {
        assert_eq!("pl".parse::<Country>().unwrap().as_str(), "PL");
        assert!("POL".parse::<Country>().is_err());
        assert!("P1".parse::<Country>().is_err());
    }
}

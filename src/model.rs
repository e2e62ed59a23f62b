//! The input model: themes, challenge profiles, cities, calls, dates and datasets.
//!
//! Every type here that must satisfy a condition holds it from construction on: its fields are
//! private, it is built by a constructor or a builder that checks the condition
//! ([`Date::new`], [`Profile::new`], [`Weights::new`], [`City::builder`], [`Call::builder`],
//! [`Dataset::new`]), and it is read through getters. So an invalid [`Dataset`] (a duplicate
//! id, a capacity of 0, a day that does not exist, a value outside `[0, 1]`, a quota whose
//! minimum exceeds its maximum) cannot be built, and cannot reach the solver. The JSON reader
//! ([`crate::io::parse_dataset`]) builds datasets through the same constructors, so its checks
//! are these.
//!
//! The parts of a call's programme rules, [`Rules`] and [`Quota`], are plain records with
//! public fields (`#[non_exhaustive]`: build them from `Default` or their constructors); they
//! are checked when the call is built, against the call's regions.
//!
//! ```
//! use citypair::model::{Call, City, Date, Profile, Theme};
//! use citypair::Dataset;
//!
//! let call = Call::builder("IUC 2017", Date::new(2017, 9, 21)?)
//!     .partner_countries(["BR".parse().expect("two letters")])
//!     .build()?;
//! let poznan = City::builder("poznan", "Poznań", "PL".parse().expect("two letters"), 534_813)
//!     .coordinates(52.41, 16.93)
//!     .challenges(Profile::from_pairs([(Theme::AirQuality, 0.9)])?)
//!     .build()?;
//! let twin = poznan.clone();
//! let err = Dataset::new(call, vec![poznan, twin]).unwrap_err();
//! assert!(matches!(err, citypair::Error::DuplicateCity { first: 1, second: 2, .. }));
//!
//! let bad = City::builder("lyon", "Lyon", "FR".parse().expect("two letters"), 513_275)
//!     .capacity(0)
//!     .build()
//!     .unwrap_err();
//! assert_eq!(
//!     bad.to_string(),
//!     "city \"lyon\", field \"capacity\": capacity 0 must be at least 1 (leave the city out instead)"
//! );
//! # Ok::<(), citypair::Error>(())
//! ```

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};

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
/// city can teach). Built by [`Profile::new`] (or deserialized, which checks the same), so every
/// value lies in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Profile {
    values: [f64; Theme::COUNT],
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for Profile {
    /// The serialized form, `{"values": [...]}`, checked by [`Profile::new`].
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Profile, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            values: [f64; Theme::COUNT],
        }
        let raw = Raw::deserialize(d)?;
        Profile::new(raw.values).map_err(serde::de::Error::custom)
    }
}

impl Profile {
    /// A profile from values in [`Theme::ALL`] order.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the theme when a value is outside `[0, 1]` or not a number.
    pub fn new(values: [f64; Theme::COUNT]) -> Result<Profile> {
        for (theme, v) in Theme::ALL.iter().zip(values) {
            check_unit(v).map_err(|m| Error::invalid(Location::Theme { theme: *theme }, m))?;
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
fn check_unit(v: f64) -> std::result::Result<(), String> {
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

/// A calendar date (proleptic Gregorian), as in a call's `"date": "2017-09-21"`; always a day
/// that exists ([`Date::new`] checks the month and leap years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// A date known to exist, for the crate's own tables.
    pub(crate) const fn known(year: i32, month: u8, day: u8) -> Date {
        Date { year, month, day }
    }

    /// The year, e.g. 2017.
    pub const fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub const fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub const fn day(self) -> u8 {
        self.day
    }

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
                    Location::Date,
                    format!("month {month} does not exist"),
                ))
            }
        };
        if day == 0 || day > days {
            return Err(Error::invalid(
                Location::Date,
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
                Location::Date,
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
            Error::Invalid { message, .. } => {
                Error::invalid(Location::Date, format!("\"{s}\": {message}"))
            }
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
///
/// Built by [`City::builder`], which checks what must hold: a non-empty id, coordinates that
/// are finite degrees in range, a capacity of at least 1 (profiles are checked by
/// [`Profile::new`]).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct City {
    id: String,
    name: String,
    country: Country,
    population: u64,
    lat: Option<f64>,
    lon: Option<f64>,
    challenges: Profile,
    expertise: Profile,
    capacity: u32,
}

impl City {
    /// A builder for a city with its required fields; the optional ones default to no
    /// coordinates, empty profiles and capacity 1.
    ///
    /// ```
    /// use citypair::model::{City, Profile, Theme};
    /// let lyon = City::builder("lyon", "Lyon", "FR".parse().expect("two letters"), 513_275)
    ///     .challenges(Profile::from_pairs([(Theme::UrbanMobility, 0.8)])?)
    ///     .capacity(2)
    ///     .build()?;
    /// assert_eq!((lyon.id(), lyon.capacity(), lyon.lat()), ("lyon", 2, None));
    /// # Ok::<(), citypair::Error>(())
    /// ```
    pub fn builder(
        id: impl Into<String>,
        name: impl Into<String>,
        country: Country,
        population: u64,
    ) -> CityBuilder {
        CityBuilder {
            city: City {
                id: id.into(),
                name: name.into(),
                country,
                population,
                lat: None,
                lon: None,
                challenges: Profile::default(),
                expertise: Profile::default(),
                capacity: 1,
            },
        }
    }

    /// A builder holding this city's values, to change some and build again (checked again).
    pub fn into_builder(self) -> CityBuilder {
        CityBuilder { city: self }
    }

    /// Unique id within the input, e.g. `"poznan"`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Display name, e.g. `"Poznań"`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// ISO 3166-1 alpha-2 country code.
    pub fn country(&self) -> Country {
        self.country
    }

    /// Inhabitants.
    pub fn population(&self) -> u64 {
        self.population
    }

    /// Latitude in degrees, in `[-90, 90]`, if known.
    pub fn lat(&self) -> Option<f64> {
        self.lat
    }

    /// Longitude in degrees, in `[-180, 180]`, if known.
    pub fn lon(&self) -> Option<f64> {
        self.lon
    }

    /// How pressing each theme is for the city.
    pub fn challenges(&self) -> &Profile {
        &self.challenges
    }

    /// What the city can teach on each theme (default: nothing).
    pub fn expertise(&self) -> &Profile {
        &self.expertise
    }

    /// How many pairs the city may join (at least 1; default 1).
    pub fn capacity(&self) -> u32 {
        self.capacity
    }
}

/// Builds a [`City`]; see [`City::builder`]. [`CityBuilder::build`] checks the values.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct CityBuilder {
    city: City,
}

impl CityBuilder {
    /// Sets the id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.city.id = id.into();
        self
    }

    /// Sets the display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.city.name = name.into();
        self
    }

    /// Sets the country.
    pub fn country(mut self, country: Country) -> Self {
        self.city.country = country;
        self
    }

    /// Sets the population.
    pub fn population(mut self, population: u64) -> Self {
        self.city.population = population;
        self
    }

    /// Sets the latitude, in degrees (`[-90, 90]`).
    pub fn lat(mut self, lat: f64) -> Self {
        self.city.lat = Some(lat);
        self
    }

    /// Sets the longitude, in degrees (`[-180, 180]`).
    pub fn lon(mut self, lon: f64) -> Self {
        self.city.lon = Some(lon);
        self
    }

    /// Sets both coordinates, in degrees.
    pub fn coordinates(self, lat: f64, lon: f64) -> Self {
        self.lat(lat).lon(lon)
    }

    /// Sets the challenge profile.
    pub fn challenges(mut self, challenges: Profile) -> Self {
        self.city.challenges = challenges;
        self
    }

    /// Sets the expertise profile.
    pub fn expertise(mut self, expertise: Profile) -> Self {
        self.city.expertise = expertise;
        self
    }

    /// Sets how many pairs the city may join (at least 1).
    pub fn capacity(mut self, capacity: u32) -> Self {
        self.city.capacity = capacity;
        self
    }

    /// The city, checked.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the city and the field (`city "lyon", field "capacity"`) for
    /// an empty id, a latitude or longitude that is not a finite number in `[-90, 90]` or
    /// `[-180, 180]` degrees, or a capacity of 0.
    pub fn build(self) -> Result<City> {
        let c = self.city;
        let at = |field: &str| Location::city(&c.id, field);
        check_id(&c.id).map_err(|m| Error::invalid(at("id"), m))?;
        for (field, value, limit) in [("lat", c.lat, 90.0), ("lon", c.lon, 180.0)] {
            if let Some(x) = value.filter(|x| !(x.is_finite() && x.abs() <= limit)) {
                return Err(Error::invalid(
                    at(field),
                    format!("{x} is outside [-{limit}, {limit}] degrees"),
                ));
            }
        }
        if c.capacity == 0 {
            return Err(Error::invalid(
                at("capacity"),
                "capacity 0 must be at least 1 (leave the city out instead)",
            ));
        }
        Ok(c)
    }
}

/// Checks a city id: it must not be empty (or only white space).
pub(crate) fn check_id(id: &str) -> std::result::Result<(), &'static str> {
    if id.trim().is_empty() {
        Err("the id must not be empty")
    } else {
        Ok(())
    }
}

/// Weights of the three score components; they need not sum to one (they are normalised).
///
/// Defaults: challenge similarity 0.6, expertise complementarity 0.25, size similarity 0.15.
/// [`Weights::new`] checks that each is a finite number of at least 0 and that they have a
/// positive, finite sum.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Weights {
    challenges: f64,
    expertise: f64,
    size: f64,
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

impl Weights {
    /// Weights of challenge similarity, expertise complementarity and size similarity.
    ///
    /// ```
    /// use citypair::model::Weights;
    /// let w = Weights::new(1.0, 0.0, 1.0)?;
    /// assert_eq!(w.size(), 1.0);
    /// assert!(Weights::new(0.0, 0.0, 0.0).is_err());
    /// # Ok::<(), citypair::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] (location `weights`) when a weight is negative or not finite, or when
    /// they sum to 0 or to more than `f64` holds.
    pub fn new(challenges: f64, expertise: f64, size: f64) -> Result<Weights> {
        for (name, v) in [
            ("challenges", challenges),
            ("expertise", expertise),
            ("size", size),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err(Error::invalid(
                    Location::Weights,
                    format!(
                        "weight \"{name}\" is {v}; weights must be finite numbers of at least 0"
                    ),
                ));
            }
        }
        let sum = challenges + expertise + size;
        if !sum.is_finite() {
            return Err(Error::invalid(
                Location::Weights,
                format!("weights sum to {sum}, which is too large"),
            ));
        }
        if sum <= 0.0 {
            return Err(Error::invalid(
                Location::Weights,
                "weights sum to 0; at least one weight must be positive",
            ));
        }
        Ok(Weights {
            challenges,
            expertise,
            size,
        })
    }

    /// Weight of challenge similarity (IUC's stated pairing key).
    pub fn challenges(&self) -> f64 {
        self.challenges
    }

    /// Weight of expertise complementarity (one city can teach what the other needs).
    pub fn expertise(&self) -> f64 {
        self.expertise
    }

    /// Weight of size similarity (log-population closeness).
    pub fn size(&self) -> f64 {
        self.size
    }
}

/// Default minimum population of an EU city (`call.min_population`).
pub const DEFAULT_MIN_POPULATION: u64 = 50_000;

/// A call for cities: its name, date, eligibility thresholds, scoring weights, programme rules
/// and partner regions.
///
/// Built by [`Call::builder`], which checks the rules against the call (see
/// [`CallBuilder::build`]).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Call {
    name: String,
    date: Date,
    min_population: u64,
    partner_countries: Vec<Country>,
    weights: Weights,
    rules: Rules,
    regions: Regions,
}

impl Call {
    /// A builder for a call with its name and date; by default it has no partner country, the
    /// minimum population [`DEFAULT_MIN_POPULATION`], [`Weights::default`], no rule and IUC's
    /// regions ([`Regions::iuc`]).
    pub fn builder(name: impl Into<String>, date: Date) -> CallBuilder {
        CallBuilder {
            call: Call {
                name: name.into(),
                date,
                min_population: DEFAULT_MIN_POPULATION,
                partner_countries: Vec::new(),
                weights: Weights::default(),
                rules: Rules::default(),
                regions: Regions::default(),
            },
        }
    }

    /// A builder holding this call's values, to change some and build again (checked again).
    ///
    /// ```
    /// use citypair::model::Rules;
    /// let dataset = citypair::synthetic::call(20, 10, 1);
    /// let mut rules = Rules::default();
    /// rules.min_score = Some(0.4);
    /// let call = dataset.call().clone().into_builder().rules(rules).build()?;
    /// let strict = dataset.with_call(call);
    /// assert_eq!(strict.call().rules().min_score, Some(0.4));
    /// # Ok::<(), citypair::Error>(())
    /// ```
    pub fn into_builder(self) -> CallBuilder {
        CallBuilder { call: self }
    }

    /// Display name, e.g. `"IUC 2017"`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The call's date; EU membership is judged on this day.
    pub fn date(&self) -> Date {
        self.date
    }

    /// EU cities below this population are excluded (default [`DEFAULT_MIN_POPULATION`]).
    pub fn min_population(&self) -> u64 {
        self.min_population
    }

    /// Countries whose cities form the partner side, sorted and without repeats.
    pub fn partner_countries(&self) -> &[Country] {
        &self.partner_countries
    }

    /// Scoring weights.
    pub fn weights(&self) -> Weights {
        self.weights
    }

    /// Programme rules: minimum score, forbidden and locked pairs, quotas (none by default).
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The partner regions used by region quotas and the fairness figures.
    pub fn regions(&self) -> &Regions {
        &self.regions
    }
}

/// Builds a [`Call`]; see [`Call::builder`]. [`CallBuilder::build`] checks the values.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct CallBuilder {
    call: Call,
}

impl CallBuilder {
    /// Sets the display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.call.name = name.into();
        self
    }

    /// Sets the date.
    pub fn date(mut self, date: Date) -> Self {
        self.call.date = date;
        self
    }

    /// Sets the minimum population of EU cities.
    pub fn min_population(mut self, min_population: u64) -> Self {
        self.call.min_population = min_population;
        self
    }

    /// Sets the partner countries (in any order; repeats are dropped).
    pub fn partner_countries(mut self, countries: impl IntoIterator<Item = Country>) -> Self {
        self.call.partner_countries = countries.into_iter().collect();
        self
    }

    /// Sets the scoring weights.
    pub fn weights(mut self, weights: Weights) -> Self {
        self.call.weights = weights;
        self
    }

    /// Sets the programme rules.
    pub fn rules(mut self, rules: Rules) -> Self {
        self.call.rules = rules;
        self
    }

    /// Sets the partner regions (the ones region quotas name).
    pub fn regions(mut self, regions: Regions) -> Self {
        self.call.regions = regions;
        self
    }

    /// The call, checked. Partner countries are sorted and de-duplicated; so are each quota's
    /// countries, and a quota's repeated region names are dropped.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the rule:
    /// - `call, field "min_score"`: a minimum score that is not a number in `[0, 1]`;
    /// - `call, field "forbidden", pair #k` (or `"locked"`): a pair that names one city twice;
    /// - `call, field "quotas", quota #k`: a quota with neither a country nor a region, or whose
    ///   `min` exceeds its `max`; with `field "regions"`, a region name the call's regions do
    ///   not have.
    ///
    /// Whether the ids of the pairs name eligible cities, and whether a quota's countries lie
    /// on one side, is checked when the pairing is built ([`Rules::compile`]).
    pub fn build(self) -> Result<Call> {
        let mut call = self.call;
        call.partner_countries.sort_unstable();
        call.partner_countries.dedup();
        let rules = &mut call.rules;
        if let Some(x) = rules.min_score.filter(|x| !(0.0..=1.0).contains(x)) {
            return Err(Error::invalid(
                Location::call("min_score"),
                format!("min_score {x} is outside [0, 1]"),
            ));
        }
        for (rule, list) in [
            (crate::error::PairRule::Forbidden, &rules.forbidden),
            (crate::error::PairRule::Locked, &rules.locked),
        ] {
            if let Some(k) = list.iter().position(|(a, b)| a == b) {
                return Err(Error::invalid(
                    Location::RulePair {
                        rule,
                        position: k + 1,
                    },
                    format!(
                        "names {:?} twice; a pair joins two different cities",
                        list[k].0
                    ),
                ));
            }
        }
        for (k, quota) in rules.quotas.iter_mut().enumerate() {
            let at = |field: Option<&str>| Location::Quota {
                position: k + 1,
                field: field.map(str::to_owned),
            };
            quota.countries.sort_unstable();
            quota.countries.dedup();
            let mut names: Vec<String> = Vec::with_capacity(quota.regions.len());
            for name in quota.regions.drain(..) {
                if call.regions.countries(&name).is_none() {
                    let known: Vec<&str> = call.regions.names().collect();
                    let hint = match suggest(&name, &known) {
                        Some(s) => format!(" (did you mean {s:?}?)"),
                        None => String::new(),
                    };
                    let list: Vec<String> = known.iter().map(|n| format!("{n:?}")).collect();
                    return Err(Error::invalid(
                        at(Some("regions")),
                        format!(
                            "unknown region {name:?}{hint}; the regions are {}",
                            list.join(", ")
                        ),
                    ));
                }
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            quota.regions = names;
            if quota.countries.is_empty() && quota.regions.is_empty() {
                return Err(Error::invalid(
                    at(None),
                    "a quota needs at least one country (\"countries\") or region (\"regions\")",
                ));
            }
            if let Some(hi) = quota.max.filter(|&hi| quota.min > hi) {
                return Err(Error::invalid(
                    at(None),
                    format!("min {} is greater than max {hi}", quota.min),
                ));
            }
        }
        Ok(call)
    }
}

/// A call's programme rules (`call.min_score`, `call.forbidden`, `call.locked`, `call.quotas`
/// in the input). The default has no rule. Pairs are `(EU id, partner id)` (either order);
/// they are checked when the call is built ([`CallBuilder::build`]) and against the eligible
/// cities when the pairing is built ([`crate::rules`]).
///
/// A plain record (`#[non_exhaustive]`): start from `Rules::default()` and set its fields.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
pub struct Rules {
    /// No pair scores below it, unless locked; in `[0, 1]`.
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
///
/// A plain record (`#[non_exhaustive]`), checked when the call is built
/// ([`CallBuilder::build`]).
///
/// ```
/// use citypair::model::Quota;
/// let q = Quota::of_countries(["US".parse().expect("two letters")]).at_most(3);
/// assert_eq!((q.min, q.max), (0, Some(3)));
/// let r = Quota::of_regions(["Japan"]).at_least(1);
/// assert_eq!(r.regions, ["Japan"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(Serialize))]
#[non_exhaustive]
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

impl Quota {
    /// A quota over these countries, without bounds yet.
    pub fn of_countries(countries: impl IntoIterator<Item = Country>) -> Quota {
        Quota {
            countries: countries.into_iter().collect(),
            ..Quota::default()
        }
    }

    /// A quota over these regions (by name), without bounds yet.
    pub fn of_regions<S: Into<String>>(regions: impl IntoIterator<Item = S>) -> Quota {
        Quota {
            regions: regions.into_iter().map(Into::into).collect(),
            ..Quota::default()
        }
    }

    /// With this minimum.
    #[must_use]
    pub fn at_least(mut self, min: usize) -> Quota {
        self.min = min;
        self
    }

    /// With this maximum.
    #[must_use]
    pub fn at_most(mut self, max: usize) -> Quota {
        self.max = Some(max);
        self
    }
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

/// A whole input: one call and its candidate cities, in input order, with unique ids.
///
/// Built by [`Dataset::new`], the one place where a whole input is checked; its parts are
/// checked by their own constructors. So every `Dataset` is valid.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct Dataset {
    call: Call,
    cities: Vec<City>,
}

impl Dataset {
    /// A dataset of a call and its cities (in the order given).
    ///
    /// # Errors
    /// [`Error::DuplicateCity`] when two cities share an id (with their 1-based positions).
    pub fn new(call: Call, cities: Vec<City>) -> Result<Dataset> {
        let mut ids = UniqueIds::with_capacity(cities.len());
        for (k, city) in cities.iter().enumerate() {
            ids.insert(&city.id, k + 1)?;
        }
        Ok(Dataset { call, cities })
    }

    /// The call.
    pub fn call(&self) -> &Call {
        &self.call
    }

    /// The cities, in the order given (ids unique).
    pub fn cities(&self) -> &[City] {
        &self.cities
    }

    /// The same cities under another call (the ids stay unique).
    #[must_use]
    pub fn with_call(self, call: Call) -> Dataset {
        Dataset { call, ..self }
    }

    /// The same dataset under other programme rules, checked as [`CallBuilder::build`] checks
    /// them.
    ///
    /// ```
    /// use citypair::model::Rules;
    /// let mut rules = Rules::default();
    /// rules.min_score = Some(1.5);
    /// let err = citypair::synthetic::call(4, 3, 1).with_rules(rules).unwrap_err();
    /// assert_eq!(err.to_string(), "call, field \"min_score\": min_score 1.5 is outside [0, 1]");
    /// ```
    ///
    /// # Errors
    /// As [`CallBuilder::build`].
    pub fn with_rules(self, rules: Rules) -> Result<Dataset> {
        let call = self.call.into_builder().rules(rules).build()?;
        Ok(Dataset { call, ..self })
    }

    /// The call and the cities.
    pub fn into_parts(self) -> (Call, Vec<City>) {
        (self.call, self.cities)
    }
}

/// The ids seen so far, to find the first repeated one; shared by [`Dataset::new`] and the
/// JSON reader (which checks each city's id before its other fields, so that those errors name
/// a city unambiguously).
pub(crate) struct UniqueIds<'a> {
    seen: HashMap<&'a str, usize>,
}

impl<'a> UniqueIds<'a> {
    pub(crate) fn with_capacity(n: usize) -> Self {
        UniqueIds {
            seen: HashMap::with_capacity(n),
        }
    }

    /// Records `id` at 1-based `position`; [`Error::DuplicateCity`] if it was seen before.
    pub(crate) fn insert(&mut self, id: &'a str, position: usize) -> Result<()> {
        if let Some(&first) = self.seen.get(id) {
            return Err(Error::DuplicateCity {
                id: id.to_owned(),
                first,
                second: position,
            });
        }
        self.seen.insert(id, position);
        Ok(())
    }
}

/// The closest candidate to a misspelt `word`, if any is close (edit distance at most 2, or 3 for
/// long words).
pub(crate) fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = if word.chars().count() > 10 { 3 } else { 2 };
    candidates
        .iter()
        .map(|&c| (edit_distance(word, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance between two short strings.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = prev[j] + usize::from(ca != cb);
            cur[j + 1] = substitution.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "serde")]
    #[test]
    fn profiles_deserialize_checked() {
        let good = serde_json::to_string(&Profile::from_pairs([(Theme::Housing, 0.5)]).unwrap());
        let back: Profile = serde_json::from_str(&good.unwrap()).unwrap();
        assert_eq!(back.get(Theme::Housing), 0.5);
        let mut values = [0.0; Theme::COUNT];
        values[3] = 1.5;
        let bad = format!("{{\"values\": {values:?}}}");
        let e = serde_json::from_str::<Profile>(&bad)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("theme \"digital_transition\": value 1.5 is outside [0, 1]"),
            "{e}"
        );
    }

    #[test]
    fn builders_check_and_normalise() {
        let pl: Country = "PL".parse().unwrap();
        let city = |id: &str| City::builder(id, id, pl, 10).build().unwrap();
        assert_eq!(city("a").capacity(), 1);
        for (lat, lon) in [(90.5, 0.0), (0.0, -180.5), (f64::INFINITY, 0.0)] {
            let e = City::builder("a", "A", pl, 1)
                .coordinates(lat, lon)
                .build()
                .unwrap_err();
            assert!(e.to_string().contains("degrees"), "{e}");
        }
        let ok = City::builder("a", "A", pl, 1)
            .coordinates(-90.0, 180.0)
            .build()
            .unwrap();
        assert_eq!((ok.lat(), ok.lon()), (Some(-90.0), Some(180.0)));
        let date = Date::new(2017, 9, 21).unwrap();
        let (br, ar): (Country, Country) = ("BR".parse().unwrap(), "AR".parse().unwrap());
        let call = Call::builder("c", date)
            .partner_countries([br, ar, br])
            .build()
            .unwrap();
        assert_eq!(call.partner_countries(), [ar, br]);
        let mut rules = Rules::default();
        rules
            .quotas
            .push(Quota::of_countries([br, ar, br]).at_least(1));
        rules
            .quotas
            .push(Quota::of_regions(["Japan", "Japan", "India"]).at_most(2));
        let call = call.into_builder().rules(rules).build().unwrap();
        assert_eq!(call.rules().quotas[0].countries, [ar, br]);
        assert_eq!(call.rules().quotas[1].regions, ["Japan", "India"]);
        let ds = Dataset::new(call.clone(), vec![city("a"), city("b")]).unwrap();
        let e = Dataset::new(call, vec![city("a"), city("b"), city("a")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "duplicate city id \"a\" (cities #1 and #3 in the input, counting from 1)"
        );
        let (call, cities) = ds.into_parts();
        assert_eq!((call.name(), cities.len()), ("c", 2));
    }

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

//! The visual report of a pairing (feature `report`): one static HTML file with inline SVG
//! and CSS, no JavaScript and no request to any server.
//!
//! Work in progress: this module holds so far the map projection ([`projection`]), pair arcs
//! ([`great_circle`]) and the country outlines ([`topojson`]).

pub mod great_circle;
pub mod projection;
pub mod topojson;

//! The visual report of a pairing (feature `report`): one static HTML file with inline SVG
//! and CSS, no JavaScript and no request to any server.
//!
//! Work in progress: this module holds so far the map projection ([`projection`]) and the
//! country outlines ([`topojson`]).

pub mod projection;
pub mod topojson;

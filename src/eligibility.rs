//! eligibility (in progress)

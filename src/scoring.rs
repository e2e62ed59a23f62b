//! scoring (in progress)

//! matrix (in progress)

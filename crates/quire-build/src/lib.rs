//! quire-build (being written).

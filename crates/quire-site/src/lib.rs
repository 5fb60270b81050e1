//! quire-site (being written).

//! quire-search (being written).

//! quire-text (being written).

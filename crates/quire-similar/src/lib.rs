//! quire-similar (being written).

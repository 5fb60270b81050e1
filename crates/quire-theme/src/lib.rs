//! quire-theme (being written).

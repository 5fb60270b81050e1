//! quire-cite (being written).

//! quire-markdown (being written).

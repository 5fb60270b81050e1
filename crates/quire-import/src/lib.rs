//! quire-import (being written).

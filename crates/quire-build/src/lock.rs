//! The one way the build takes a shared lock. Its own module so that the
//! cache (which stores artifacts) and emit (which writes them) need not
//! import each other for it.

use std::sync::{Mutex, MutexGuard};

/// Locks a shared map or set of the build. A panic while one is held cannot
/// leave it half-written (each change is one call), so poisoning is ignored.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

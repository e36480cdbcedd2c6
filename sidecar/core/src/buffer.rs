//! Large zeroed buffers for encoder and decoder outputs, backed by huge pages where the OS
//! allows.
//!
//! Encoding a 64 MiB blob at n = 1000 writes about 230 MB of fresh slivers. With 4 KiB pages
//! that is ~57,000 page faults, each entering the kernel to map and zero one page: about 12% of
//! the encoding time on the project's VM (`docs/benchmarks.md`). Asking for transparent huge
//! pages (`MADV_HUGEPAGE`) before the first touch makes it ~110 faults. The call is only a
//! hint: where it is refused (another OS, THP disabled) the buffer behaves exactly the same.
//!
//! Buffers that are overwritten entirely (the encoder's outputs and its leaf table) come from
//! [`scratch`] and go back through [`recycle`], so a process encoding blob after blob touches
//! fresh memory only for the first.

use std::sync::Mutex;

/// Buffers below this size keep ordinary pages: a huge page is 2 MiB, and small buffers may
/// share heap pages with other allocations.
pub(crate) const HUGE_PAGE_MIN_BYTES: usize = 4 << 20;

/// Element types whose all-zero value `vec!` allocates with `calloc` (bytes and digests).
pub(crate) trait Zero: Copy + 'static {
    /// The all-zero value.
    const ZERO: Self;

    /// What recycled buffers are filled with in debug builds, so that an output the encoder
    /// failed to overwrite shows up in tests instead of leaking an earlier blob's bytes.
    const POISON: Self;

    /// The recycled buffers of this type.
    fn pool() -> &'static Pool<Self>;
}

impl Zero for u8 {
    const ZERO: Self = 0;
    const POISON: Self = 0xA5;

    fn pool() -> &'static Pool<Self> {
        static POOL: Pool<u8> = Pool::new(POOL_MAX_BYTES);
        &POOL
    }
}

impl Zero for [u8; 32] {
    const ZERO: Self = [0; 32];
    const POISON: Self = [0xA5; 32];

    fn pool() -> &'static Pool<Self> {
        static POOL: Pool<[u8; 32]> = Pool::new(POOL_MAX_BYTES);
        &POOL
    }
}

/// A zeroed buffer of `len` elements, advised to use huge pages when at least
/// [`HUGE_PAGE_MIN_BYTES`].
pub(crate) fn zeroed<T: Zero>(len: usize) -> Vec<T> {
    // `vec![zero; len]` of integers or integer arrays is `calloc`: large requests come back as
    // fresh, untouched mappings, so the advice below takes effect before any page is faulted in.
    let buffer = vec![T::ZERO; len];
    let bytes = std::mem::size_of_val(buffer.as_slice());
    if bytes >= HUGE_PAGE_MIN_BYTES {
        advise_huge_pages(buffer.as_ptr() as usize, bytes);
    }
    buffer
}

/// At most this many bytes of buffers are kept for reuse, per element type: enough for the
/// outputs of encoding a 256 MiB blob at n = 1000 (about 940 MB of slivers). What does not fit
/// is freed as usual; [`release_all`] frees everything kept.
pub(crate) const POOL_MAX_BYTES: usize = 1 << 30;

/// Frees every kept buffer.
pub(crate) fn release_all() {
    <u8 as Zero>::pool().clear();
    <[u8; 32] as Zero>::pool().clear();
}

/// A buffer of `len` elements whose contents are unspecified: the caller must overwrite every
/// element before reading any. A recycled buffer is reused when one is large enough; fresh
/// memory costs a page fault and the kernel's zeroing for every page, about a tenth of the time
/// of encoding (`docs/benchmarks.md`).
pub(crate) fn scratch<T: Zero>(len: usize) -> Vec<T> {
    match T::pool().take(len) {
        Some(mut buffer) => {
            if cfg!(debug_assertions) {
                buffer.fill(T::POISON);
            }
            buffer
        }
        None => zeroed(len),
    }
}

/// Hands a buffer back for [`scratch`] to reuse.
pub(crate) fn recycle<T: Zero>(buffer: Vec<T>) {
    T::pool().put(buffer);
}

/// Large buffers kept for reuse, at most `max_bytes` of them. Buffers below
/// [`HUGE_PAGE_MIN_BYTES`] are never kept: the allocator serves those well.
pub(crate) struct Pool<T> {
    buffers: Mutex<Vec<Vec<T>>>,
    max_bytes: usize,
}

impl<T: Zero> Pool<T> {
    /// An empty pool.
    pub(crate) const fn new(max_bytes: usize) -> Self {
        Self { buffers: Mutex::new(Vec::new()), max_bytes }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Vec<T>>> {
        // A panic while holding the lock leaves a valid list of buffers.
        self.buffers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The smallest kept buffer that holds `len` elements (so large ones stay for large
    /// requests), resized to `len`; its contents are unspecified.
    pub(crate) fn take(&self, len: usize) -> Option<Vec<T>> {
        if len * size_of::<T>() < HUGE_PAGE_MIN_BYTES {
            return None;
        }
        let mut buffers = self.lock();
        let best =
            (0..buffers.len()).filter(|&i| buffers[i].capacity() >= len).min_by_key(|&i| buffers[i].capacity())?;
        let mut buffer = buffers.swap_remove(best);
        drop(buffers);
        buffer.resize(len, T::ZERO);
        Some(buffer)
    }

    /// Frees every kept buffer.
    pub(crate) fn clear(&self) {
        let kept = std::mem::take(&mut *self.lock());
        drop(kept);
    }

    /// Keeps `buffer` if it is large and fits under the pool's bound; frees it otherwise.
    pub(crate) fn put(&self, buffer: Vec<T>) {
        let bytes = buffer.capacity() * size_of::<T>();
        if bytes < HUGE_PAGE_MIN_BYTES {
            return;
        }
        let mut buffers = self.lock();
        let kept: usize = buffers.iter().map(|b| b.capacity() * size_of::<T>()).sum();
        if kept + bytes <= self.max_bytes {
            buffers.push(buffer);
        }
    }
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn advise_huge_pages(start: usize, bytes: usize) {
    const PAGE: usize = 4096;
    let aligned = start.next_multiple_of(PAGE);
    let len = (start + bytes).saturating_sub(aligned) / PAGE * PAGE;
    if len == 0 {
        return;
    }
    // SAFETY: `madvise` with `MADV_HUGEPAGE` only changes how the kernel backs the range, never
    // its contents; the range lies inside the caller's live buffer and is page aligned as required.
    // A failure (e.g. THP disabled) leaves ordinary pages, so its result is ignored.
    unsafe {
        libc::madvise(aligned as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_start: usize, _bytes: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_zeroed_at_every_size() {
        for len in [0, 1, 4095, HUGE_PAGE_MIN_BYTES - 1, HUGE_PAGE_MIN_BYTES, HUGE_PAGE_MIN_BYTES + 12_345] {
            let bytes: Vec<u8> = zeroed(len);
            assert_eq!(bytes.len(), len);
            assert!(bytes.iter().all(|&b| b == 0), "len {len}");
            let digests: Vec<[u8; 32]> = zeroed(len / 32);
            assert!(digests.iter().all(|d| *d == [0; 32]), "len {len}");
        }
    }

    #[test]
    fn pools_reuse_the_smallest_fitting_buffer_within_their_bound() {
        let big = HUGE_PAGE_MIN_BYTES;
        let pool: Pool<u8> = Pool::new(3 * big);
        assert!(pool.take(big).is_none(), "an empty pool has nothing");
        let (a, b) = (vec![1u8; big], vec![2u8; 2 * big]);
        let (a_at, b_at) = (a.as_ptr(), b.as_ptr());
        pool.put(a);
        pool.put(b);
        pool.put(vec![3u8; big]); // over the bound: freed
        pool.put(vec![4u8; big - 1]); // small: freed
        let taken = pool.take(big).expect("a buffer fits");
        assert_eq!((taken.as_ptr(), taken.len()), (a_at, big), "the smallest that fits");
        assert!(pool.take(2 * big + 1).is_none(), "none holds more than 2 units");
        let taken = pool.take(big + 1).expect("the larger one is left");
        assert_eq!((taken.as_ptr(), taken.len()), (b_at, big + 1));
        assert!(pool.take(big).is_none(), "the third was never kept");
        assert!(pool.take(16).is_none(), "small requests never use the pool");
        pool.put(vec![5u8; big]);
        pool.clear();
        assert!(pool.take(big).is_none(), "cleared");
    }

    #[test]
    fn scratch_buffers_have_the_requested_length() {
        for len in [16, HUGE_PAGE_MIN_BYTES, HUGE_PAGE_MIN_BYTES + 3] {
            let buffer: Vec<u8> = scratch(len);
            assert_eq!(buffer.len(), len);
            recycle(buffer);
        }
    }
}

//! Large zeroed buffers for encoder and decoder outputs, backed by huge pages where the OS
//! allows.
//!
//! Encoding a 64 MiB blob at n = 1000 writes about 230 MB of fresh slivers. With 4 KiB pages
//! that is ~57,000 page faults, each entering the kernel to map and zero one page: about 12% of
//! the encoding time on the project's VM (`docs/benchmarks.md`). Asking for transparent huge
//! pages (`MADV_HUGEPAGE`) before the first touch makes it ~110 faults. The call is only a
//! hint: where it is refused (another OS, THP disabled) the buffer behaves exactly the same.

/// Buffers below this size keep ordinary pages: a huge page is 2 MiB, and small buffers may
/// share heap pages with other allocations.
pub(crate) const HUGE_PAGE_MIN_BYTES: usize = 4 << 20;

/// Element types whose all-zero value `vec!` allocates with `calloc` (bytes and digests).
pub(crate) trait Zero: Copy {
    /// The all-zero value.
    const ZERO: Self;
}

impl Zero for u8 {
    const ZERO: Self = 0;
}

impl Zero for [u8; 32] {
    const ZERO: Self = [0; 32];
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
}

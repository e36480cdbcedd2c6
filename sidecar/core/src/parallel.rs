//! Splitting work across threads without unsafe code: contiguous ranges, per-item views of
//! matrices whose rows each item writes a different part of, and threads that take items from a
//! shared queue.

use std::{
    ops::Range,
    sync::{Mutex, PoisonError},
};

/// Each work item for [`run`] is this fraction of what is left, per thread: items start large
/// and shrink towards the end ("guided" scheduling). Threads take items from a queue, so a thread
/// that finishes early takes over work another would have done, and the two cores of a shared VM
/// often run at different speeds. With eight equal items per thread, the faster thread still
/// waited at the end of every step for most of an item: 2.6-2.9% of the thread time of encoding
/// 64 and 256 MiB on two threads. Shrinking items make that wait one small item
/// (`docs/benchmarks.md`, session 9).
const GUIDED_SHARE: usize = 2;

/// Splits `0..total` into at most `parts` contiguous, non-empty, balanced ranges.
pub(crate) fn split_range(total: usize, parts: usize) -> Vec<Range<usize>> {
    let parts = parts.clamp(1, total.max(1));
    (0..parts).map(|i| (total * i / parts)..(total * (i + 1) / parts)).filter(|r| !r.is_empty()).collect()
}

/// Splits `0..total` into items for `threads` threads taking them from a queue ([`run`]), in
/// order and shrinking: each is `1 / (GUIDED_SHARE * threads)` of what is left, but none shorter
/// than `min_len` (a stripe, say), unless that leaves fewer items than threads. One thread gets
/// one item.
pub(crate) fn split_for_threads(total: usize, threads: usize, min_len: usize) -> Vec<Range<usize>> {
    let threads = threads.max(1);
    if threads == 1 {
        return split_range(total, 1);
    }
    let min_len = min_len.max(1);
    if total < threads * min_len {
        return split_range(total, threads);
    }
    let mut items = Vec::new();
    let mut start = 0;
    while start < total {
        let left = total - start;
        let mut len = left.div_ceil(GUIDED_SHARE * threads).max(min_len);
        if left.saturating_sub(len) < min_len {
            // The rest would be shorter than the minimum: this item takes it.
            len = left;
        }
        items.push(start..start + len);
        start += len;
    }
    items
}

/// [`split_for_threads`] in whole units of `unit`: every range but the last starts and ends on a
/// multiple of `unit`.
pub(crate) fn split_aligned(total: usize, threads: usize, unit: usize) -> Vec<Range<usize>> {
    let unit = unit.max(1);
    split_for_threads(total.div_ceil(unit), threads, 1)
        .into_iter()
        .map(|units| units.start * unit..(units.end * unit).min(total))
        .collect()
}

/// Gives each range its part of `buffer`, which holds `unit` elements per position: range
/// `a..b` gets elements `a * unit..b * unit`. The ranges ascend without overlapping.
pub(crate) fn split_contiguous<'a, T>(buffer: &'a mut [T], unit: usize, ranges: &[Range<usize>]) -> Vec<&'a mut [T]> {
    let mut rest = buffer;
    let mut out = Vec::with_capacity(ranges.len());
    let mut consumed = 0;
    for range in ranges {
        let (_, tail) = rest.split_at_mut((range.start - consumed) * unit);
        let (piece, after) = tail.split_at_mut(range.len() * unit);
        out.push(piece);
        rest = after;
        consumed = range.end;
    }
    out
}

/// Cuts every `row_bytes` row of `buffer` at the byte offsets of `ranges` (in units of
/// `unit_bytes`), and gives range `t` its piece of every row: `result[t][row]`.
pub(crate) fn split_rows<'a>(
    buffer: &'a mut [u8],
    row_bytes: usize,
    unit_bytes: usize,
    ranges: &[Range<usize>],
) -> Vec<Vec<&'a mut [u8]>> {
    let mut result: Vec<Vec<&mut [u8]>> = ranges.iter().map(|_| Vec::new()).collect();
    if row_bytes == 0 {
        return result;
    }
    for row in buffer.chunks_exact_mut(row_bytes) {
        let mut rest = row;
        let mut consumed = 0;
        for (t, range) in ranges.iter().enumerate() {
            let start = range.start * unit_bytes - consumed;
            let (_, tail) = rest.split_at_mut(start);
            let (piece, after) = tail.split_at_mut(range.len() * unit_bytes);
            result[t].push(piece);
            rest = after;
            consumed = range.end * unit_bytes;
        }
    }
    result
}

/// Runs `work(state, item)` for every item on up to `threads` threads: the caller's and scoped
/// ones. Each thread makes its `state` (coding buffers, scratch space) once with `init`, then
/// takes the next item from a shared queue whenever it finishes one.
pub(crate) fn run<T: Send, S>(
    items: Vec<T>,
    threads: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, T) + Sync,
) {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        let mut state = init();
        for item in items {
            work(&mut state, item);
        }
        return;
    }
    let queue = Mutex::new(items.into_iter());
    let worker = || {
        let mut state = init();
        while let Some(item) = take(&queue) {
            work(&mut state, item);
        }
    };
    // The calling thread is one of the workers: one thread fewer to start and join per call.
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(worker);
        }
        worker();
    });
}

/// The next item of the queue. The lock is held only while taking it, so a panic in `work` (which
/// `scope` then propagates) cannot poison it; a poisoned queue is still a valid iterator.
fn take<T>(queue: &Mutex<std::vec::IntoIter<T>>) -> Option<T> {
    queue.lock().unwrap_or_else(PoisonError::into_inner).next()
}

/// The default thread count: the machine's available parallelism.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_everything_once() {
        for total in [0usize, 1, 5, 100] {
            for parts in [1usize, 2, 3, 8] {
                let ranges = split_range(total, parts);
                let covered: Vec<usize> = ranges.iter().flat_map(|r| r.clone()).collect();
                assert_eq!(covered, (0..total).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn thread_items_respect_the_minimum_and_cover_everything() {
        assert_eq!(split_for_threads(100, 1, 1), vec![0..100]);
        // Two threads: a quarter of the rest at a time, shrinking to the minimum at the end.
        let items = split_for_threads(1000, 2, 16);
        assert_eq!(items[..3], [0..250, 250..438, 438..579]);
        assert!(items.windows(2).all(|w| w[0].len() >= w[1].len() || w[1].end == 1000), "{items:?}");
        assert!(items.iter().all(|r| r.len() >= 16), "{items:?}");
        assert!(items[items.len() - 2..].iter().all(|r| r.len() < 32), "the last items are short: {items:?}");
        // No item shorter than the minimum, but at least one per thread.
        assert!(split_for_threads(1000, 2, 300).iter().all(|r| r.len() >= 300));
        assert_eq!(split_for_threads(100, 2, 300).len(), 2);
        assert_eq!(split_for_threads(11, 2, 5), vec![0..5, 5..11], "the rest joins the last item");
        for (total, threads, min_len) in [(0usize, 2usize, 1usize), (7, 3, 2), (667, 2, 6), (1000, 4, 16)] {
            let covered: Vec<usize> = split_for_threads(total, threads, min_len).into_iter().flatten().collect();
            assert_eq!(covered, (0..total).collect::<Vec<_>>());
        }
    }

    #[test]
    fn aligned_items_start_on_units_and_cover_everything() {
        for (total, threads, unit) in [(0usize, 2usize, 6usize), (667, 1, 6), (667, 2, 6), (667, 2, 1), (5, 4, 2)] {
            let ranges = split_aligned(total, threads, unit);
            assert!(ranges.iter().all(|r| r.start % unit == 0 && !r.is_empty()), "{ranges:?}");
            let covered: Vec<usize> = ranges.into_iter().flatten().collect();
            assert_eq!(covered, (0..total).collect::<Vec<_>>());
        }
        let items = split_aligned(667, 2, 6);
        assert_eq!((items[0].clone(), items.last().cloned()), (0..168, Some(666..667)));
    }

    #[test]
    fn every_item_runs_once_with_one_state_per_thread() {
        for threads in [1usize, 2, 3, 8] {
            let done = Mutex::new(Vec::new());
            let states = std::sync::atomic::AtomicUsize::new(0);
            run(
                (0..50).collect(),
                threads,
                || states.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                |_, item: usize| done.lock().unwrap().push(item),
            );
            let mut done = done.into_inner().unwrap();
            done.sort_unstable();
            assert_eq!(done, (0..50).collect::<Vec<_>>(), "{threads} threads");
            assert_eq!(states.into_inner(), threads, "one state per thread");
        }
    }

    #[test]
    fn contiguous_pieces_follow_the_ranges() {
        let mut buf: Vec<u8> = (0..12).collect();
        let pieces = split_contiguous(&mut buf, 2, &[0..1, 1..4, 5..6]);
        assert_eq!(pieces, vec![&mut [0u8, 1][..], &mut [2, 3, 4, 5, 6, 7][..], &mut [10, 11][..]]);
    }

    #[test]
    fn row_pieces_are_disjoint_and_complete() {
        let mut buf: Vec<u8> = (0..24).collect();
        let ranges = split_range(4, 2); // 4 units of 2 bytes per 8-byte row
        let pieces = split_rows(&mut buf, 8, 2, &ranges);
        assert_eq!(pieces[0].len(), 3);
        assert_eq!(pieces[0][1], &[8, 9, 10, 11]);
        assert_eq!(pieces[1][2], &[20, 21, 22, 23]);
    }
}

//! Splitting work across threads without unsafe code: contiguous ranges, and per-thread views of
//! matrices whose rows each thread writes a different part of.

use std::ops::Range;

/// Splits `0..total` into at most `parts` contiguous, non-empty, balanced ranges.
pub(crate) fn split_range(total: usize, parts: usize) -> Vec<Range<usize>> {
    let parts = parts.clamp(1, total.max(1));
    (0..parts).map(|i| (total * i / parts)..(total * (i + 1) / parts)).filter(|r| !r.is_empty()).collect()
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

/// Runs `work(t, item)` for every item, one scoped thread per item (inline when there is one).
pub(crate) fn run<T: Send>(items: Vec<T>, work: impl Fn(usize, T) + Sync) {
    if items.len() <= 1 {
        for (t, item) in items.into_iter().enumerate() {
            work(t, item);
        }
        return;
    }
    std::thread::scope(|scope| {
        for (t, item) in items.into_iter().enumerate() {
            let work = &work;
            scope.spawn(move || work(t, item));
        }
    });
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
    fn row_pieces_are_disjoint_and_complete() {
        let mut buf: Vec<u8> = (0..24).collect();
        let ranges = split_range(4, 2); // 4 units of 2 bytes per 8-byte row
        let pieces = split_rows(&mut buf, 8, 2, &ranges);
        assert_eq!(pieces[0].len(), 3);
        assert_eq!(pieces[0][1], &[8, 9, 10, 11]);
        assert_eq!(pieces[1][2], &[20, 21, 22, 23]);
    }
}

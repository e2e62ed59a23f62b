//! Memory for large dense matrices: transparent huge pages.
//!
//! A solver pass streams through the whole matrix. With the usual 4 KiB pages a 24 MiB matrix
//! spans 6,144 pages, more than the TLB holds, so every page costs a page walk on every pass
//! (two nested walks in a virtual machine). Backed by 2 MiB pages it spans 12. Measured on a
//! 1000 x 3000 `f64` matrix on this project's 2-core virtual machine: a plain sequential read
//! takes 2.2 ms on 4 KiB pages and 1.2 to 1.6 ms on huge pages, and the whole solve 1.2 to
//! 1.4 ms against 0.9 to 1.0 ms. numpy asks the same of the kernel for its arrays of 4 MiB or
//! more, so its users' matrices are read this way already.
//!
//! On Linux, [`with_capacity`] and [`zeroed`] ask the kernel (`madvise(MADV_HUGEPAGE)`) to
//! back a new buffer's 2 MiB-aligned interior with huge pages. It is a hint: the kernel may
//! ignore it (transparent huge pages off, or no free huge page), and nothing else changes.
//! Elsewhere they are a plain `Vec::with_capacity` and `vec![0.0; len]`.
//!
//! # Fallible
//! Both are fallible: the sizes of these buffers come from the input (a call's cities, a matrix
//! file's header), so when the memory cannot be had they return `None`, which the callers turn
//! into [`Error::OutOfMemory`](crate::Error::OutOfMemory) naming the size and what to do,
//! never an abort. (`Vec::with_capacity` and `vec![0.0; n]` abort the process on allocation
//! failure.) [`zeroed`] keeps what `vec![0.0; n]` gives over reserving and then writing zeros:
//! a large zeroed block comes from the kernel already zero, so each page is written once, by
//! the caller, instead of twice.

/// Buffers smaller than this get no hint (as numpy: a few pages gain nothing).
const HINT_BYTES: usize = 4 << 20;

/// The huge page size the hint aligns to.
#[cfg(target_os = "linux")]
const HUGE_PAGE: usize = 2 << 20;

/// `Vec::with_capacity(capacity)`, with the hint for huge pages on a large buffer (see the
/// module docs); `None` when the memory cannot be had (or `capacity` elements do not fit in
/// the address space). Must be called before the buffer is first written: the hint applies to
/// the pages faulted in afterwards.
pub(crate) fn with_capacity<T>(capacity: usize) -> Option<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(capacity).ok()?;
    advise_huge_pages(&v);
    Some(v)
}

/// `vec![0.0; len]`, with the hint for huge pages on a large buffer (see the module docs);
/// `None` when the memory cannot be had (or `len` entries do not fit in the address space).
///
/// A large zeroed buffer comes straight from the kernel, which zeroes the pages as they are
/// first written: the hint, given before that, applies to all of them.
pub(crate) fn zeroed(len: usize) -> Option<Vec<f64>> {
    if len == 0 {
        return Some(Vec::new());
    }
    // The layout `Vec<f64>` uses for a capacity of `len`; `Err` when `len · 8` bytes exceed
    // `isize::MAX`.
    let layout = std::alloc::Layout::array::<f64>(len).ok()?;
    // SAFETY: `layout` has a non-zero size (`len > 0`, and `f64` is 8 bytes).
    let raw = unsafe { std::alloc::alloc_zeroed(layout) };
    if raw.is_null() {
        return None;
    }
    // The cast keeps the alignment: `layout` asked for `f64`'s.
    #[allow(clippy::cast_ptr_alignment)]
    let slice = std::ptr::slice_from_raw_parts_mut(raw.cast::<f64>(), len);
    // SAFETY: the memory was allocated by the global allocator, which `Box` uses, with the
    // layout of a `[f64]` of `len` elements (`Layout::array::<f64>(len)`: size `8 len`,
    // alignment 8, which `Box::from_raw` requires); it is not null; its `len` elements are
    // initialised, since all-zero bytes are the `f64` value `0.0`; and the box takes sole
    // ownership of it. `into_vec` keeps the allocation. This is what `vec![0.0; len]` does
    // inside the standard library (`alloc_zeroed`), with the failure returned instead of an
    // abort.
    let v = unsafe { Box::from_raw(slice) }.into_vec();
    advise_huge_pages(&v);
    Some(v)
}

/// The items of `iter` (at most `len`, the number reserved) in a vector, or `None` when the
/// memory cannot be had: `collect` for buffers whose size comes from the input.
pub(crate) fn try_collect<T>(len: usize, iter: impl IntoIterator<Item = T>) -> Option<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).ok()?;
    v.extend(iter);
    Some(v)
}

/// Asks the kernel to back the 2 MiB-aligned interior of `v`'s allocation with huge pages.
fn advise_huge_pages<T>(v: &Vec<T>) {
    let bytes = v.capacity().saturating_mul(size_of::<T>());
    if bytes < HINT_BYTES {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let start = (v.as_ptr() as usize).next_multiple_of(HUGE_PAGE);
        let end = (v.as_ptr() as usize + bytes) & !(HUGE_PAGE - 1);
        if start < end {
            // SAFETY: `madvise(MADV_HUGEPAGE)` changes neither the contents nor the validity of
            // any memory: it only sets the kernel's backing policy for the range, which lies
            // inside `v`'s live allocation (`start >= ptr`, `end <= ptr + bytes`) and is
            // page-aligned as the call requires. On failure (huge pages unsupported) it
            // returns an error code, which is ignored: the hint is then not taken.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_buffers_are_usable_as_any_vec() {
        let n = 3 * HINT_BYTES / size_of::<f64>() + 5;
        let mut v: Vec<f64> = with_capacity(n).unwrap();
        assert!(v.capacity() >= n && v.is_empty());
        v.extend((0..n).map(|k| k as f64));
        assert_eq!(v[n - 1], (n - 1) as f64);
        assert_eq!(v.iter().sum::<f64>(), (n * (n - 1) / 2) as f64);
    }

    #[test]
    fn zeroed_buffers_are_zero() {
        let n = HINT_BYTES / size_of::<f64>() * 2 + 3;
        let v = zeroed(n).unwrap();
        assert_eq!(v.len(), n);
        assert!(v.iter().all(|&x| x.to_bits() == 0));
        assert!(zeroed(0).unwrap().is_empty());
        let mut small = zeroed(3).unwrap();
        small.push(1.0);
        assert_eq!(small, [0.0, 0.0, 0.0, 1.0]);
    }

    #[test]
    fn small_and_empty_buffers_get_no_hint() {
        let v: Vec<u8> = with_capacity(0).unwrap();
        assert_eq!(v.capacity(), 0);
        let v: Vec<u64> = with_capacity(10).unwrap();
        assert!(v.capacity() >= 10);
    }

    #[test]
    fn impossible_sizes_are_none_not_an_abort() {
        // More bytes than the address space allows, and more than any machine has.
        assert!(zeroed(usize::MAX / 4).is_none());
        assert!(zeroed(1 << 60).is_none());
        assert!(with_capacity::<f64>(usize::MAX / 4).is_none());
        assert!(with_capacity::<u8>(1 << 62).is_none());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_hint_reaches_the_kernel_where_huge_pages_are_on() {
        // Only checkable where the kernel offers transparent huge pages on request.
        let mode = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled");
        if !mode.is_ok_and(|m| m.contains("[madvise]") || m.contains("[always]")) {
            return;
        }
        let n = 8 * HUGE_PAGE / size_of::<u64>();
        let mut v: Vec<u64> = with_capacity(n).unwrap();
        v.resize(n, 1);
        let start = (v.as_ptr() as usize).next_multiple_of(HUGE_PAGE);
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
        // The mapping that holds the buffer is marked for huge pages ("hg" in VmFlags).
        let mut inside = false;
        let mut marked = false;
        for line in smaps.lines() {
            if let Some((range, _)) = line.split_once(' ') {
                if let Some((a, b)) = range.split_once('-') {
                    if let (Ok(a), Ok(b)) =
                        (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16))
                    {
                        inside = a <= start && start < b;
                        continue;
                    }
                }
            }
            if inside && line.starts_with("VmFlags:") {
                marked = line.split_whitespace().any(|f| f == "hg");
            }
        }
        assert!(marked, "the buffer's mapping is not marked for huge pages");
        assert_eq!(v.iter().sum::<u64>(), n as u64);
    }
}
